#ifndef CHDF5_SHIM_H
#define CHDF5_SHIM_H
#include <stddef.h>
#include <hdf5.h>

#if H5_VERS_MAJOR != 1 || H5_VERS_MINOR < 10
#error "t2i needs HDF5 1.10 or newer (libhdf5-dev)"
#endif

/* HDF5's type and property identifiers are macros over mutable globals, which Swift 6 rejects. */
static inline hid_t chdf5_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_all(void) { return H5S_ALL; }
static inline hid_t chdf5_error_default(void) { return H5E_DEFAULT; }
static inline hid_t chdf5_native_schar(void) { return H5T_NATIVE_SCHAR; }
static inline hid_t chdf5_native_uchar(void) { return H5T_NATIVE_UCHAR; }
static inline hid_t chdf5_native_short(void) { return H5T_NATIVE_SHORT; }
static inline hid_t chdf5_native_ushort(void) { return H5T_NATIVE_USHORT; }
static inline hid_t chdf5_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t chdf5_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t chdf5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_c_s1(void) { return H5T_C_S1; }
static inline hid_t chdf5_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t chdf5_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t chdf5_std_u16le(void) { return H5T_STD_U16LE; }
static inline hid_t chdf5_std_u8le(void) { return H5T_STD_U8LE; }
static inline hid_t chdf5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t chdf5_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t chdf5_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t chdf5_file_access(void) { return H5P_FILE_ACCESS; }
static inline unsigned chdf5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline haddr_t chdf5_haddr_undef(void) { return HADDR_UNDEF; }
static inline hsize_t chdf5_unlimited(void) { return H5S_UNLIMITED; }
static inline size_t chdf5_variable(void) { return H5T_VARIABLE; }

/* A file-access property list that takes no advisory file lock (H5Pset_file_locking, HDF5
 * 1.10.7+). Older 1.10 releases have no such call and get the default list; there the
 * environment variable HDF5_USE_FILE_LOCKING=FALSE does the same. The caller closes the list
 * with H5Pclose when it is not H5P_DEFAULT. Negative on failure. */
static inline hid_t chdf5_file_access_unlocked(void) {
#if H5_VERSION_GE(1, 10, 7)
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return fapl;
    if (H5Pset_file_locking(fapl, 0, 1) < 0) { H5Pclose(fapl); return -1; }
    return fapl;
#else
    return H5P_DEFAULT;
#endif
}

/* Silence HDF5's automatic error-stack printing: callers turn failures into typed errors. */
static inline herr_t chdf5_silence_errors(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif
