#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
/* OpenBLAS's cblas.h uses CBLAS_H as its own guard; this shim must not. */
#include <stddef.h>
#include <cblas.h>

#ifndef OPENBLAS_VERSION
#error "cblas.h is not OpenBLAS's: pkg-config openblas must point at libopenblas-dev"
#endif

#include <stdlib.h>

/* Exported by libopenblas 0.3.x (the pthreads build Debian installs), not declared in cblas.h. */
void openblas_read_env(void);
int blas_thread_init(void);
int blas_thread_shutdown_(void);

/* Idle OpenBLAS threads spin for 2^OPENBLAS_THREAD_TIMEOUT cycles (default 2^28, about 70 ms here)
   before they sleep, calling sched_yield; between GEMMs they then compete for the 2 cores with the
   workers of the layers' own kernels. OpenBLAS reads the variable once, when it is loaded, so when
   the user has not set it this sets `exponent`, re-reads the environment and restarts the idle
   thread pool. Call before any BLAS work is in flight. */
static inline void t2i_openblas_set_idle_spin(const char *exponent) {
    if (getenv("OPENBLAS_THREAD_TIMEOUT") != NULL) return;
    setenv("OPENBLAS_THREAD_TIMEOUT", exponent, 0);
    openblas_read_env();
    blas_thread_shutdown_();
    blas_thread_init();
}

#endif
