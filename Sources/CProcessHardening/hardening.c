#include "CProcessHardening.h"

#include <sys/resource.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

// prctl(2) is variadic, which Swift cannot call; these wrappers are the whole reason for this C target.

int process_hardening_disable_core_dumps(void) {
    struct rlimit none = {0, 0};
    int result = setrlimit(RLIMIT_CORE, &none);
#if defined(__linux__)
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        result = -1;
    }
#endif
    return result;
}

int process_hardening_dumpable(void) {
#if defined(__linux__)
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
#else
    return -1;
#endif
}

long long process_hardening_core_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_CORE, &limit) != 0) {
        return -1;
    }
    return (long long)limit.rlim_cur;
}
