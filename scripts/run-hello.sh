# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# In-VM script behind "make run": load pfvmm and run the hello guest.
insmod "$PFVMM_KO" || { echo "insmod $PFVMM_KO failed"; exit 1; }
pfvmm run /pfvmm/guest/hello.elf
rc=$?
echo "pfvmm run exited with status $rc"
rmmod pfvmm
exit $rc
