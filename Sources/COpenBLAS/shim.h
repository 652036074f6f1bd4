#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
/* OpenBLAS's cblas.h uses CBLAS_H as its own guard; this shim must not. */
#include <stddef.h>
#include <cblas.h>

#ifndef OPENBLAS_VERSION
#error "cblas.h is not OpenBLAS's: pkg-config openblas must point at libopenblas-dev"
#endif

#endif
