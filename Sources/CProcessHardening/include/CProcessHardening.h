#ifndef C_PROCESS_HARDENING_H
#define C_PROCESS_HARDENING_H

/// Sets RLIMIT_CORE to 0 (soft and hard) and, on Linux, PR_SET_DUMPABLE to 0, so that a crash writes no core file
/// holding the secrets in memory and other processes of the same user cannot read this one's memory.
/// Returns 0 when both took effect, -1 otherwise (errno says why).
int process_hardening_disable_core_dumps(void);

/// PR_GET_DUMPABLE on Linux (0 or 1), -1 elsewhere.
int process_hardening_dumpable(void);

/// The soft RLIMIT_CORE, or -1 when it cannot be read.
long long process_hardening_core_limit(void);

#endif
