import EEE443
