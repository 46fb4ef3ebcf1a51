#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H

// Debian puts libpq-fe.h under /usr/include/postgresql, which pkg-config adds
// to the include path; other layouts only ship the prefixed path.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif

#endif
