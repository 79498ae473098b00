"""The local AWS emulator: moto 5.2.1 in-process behind our own HTTP/1.1 front server (see docs/emulator.md)."""
