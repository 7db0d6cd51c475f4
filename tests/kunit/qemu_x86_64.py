# SPDX-License-Identifier: GPL-2.0-or-later
# kunit.py's x86_64 machine: TCG named in full, multi-threaded (KVM hangs
# on our build machines), and two vCPUs that really run at once, so that
# the concurrency tests have two.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-accel', 'tcg,thread=multi', '-smp', '2',
					      '-bios', 'qboot.rom'])
