#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H
#include <stddef.h>
#include <stdio.h>
#include <png.h>

#if PNG_LIBPNG_VER < 10600
#error "t2i needs libpng 1.6 (libpng-dev)"
#endif

#endif
