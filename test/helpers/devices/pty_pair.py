#!/usr/bin/env python3
"""Fallback for socat: two linked pseudo-terminals at the given paths, relaying bytes both ways.
Prints the same "PTY is" and "starting data transfer loop" lines as `socat -d -d` on stderr."""
import os, select, sys, termios, tty

def open_pty(link):
    master, slave = os.openpty()
    tty.setraw(slave)
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    name = os.ttyname(slave)
    try:
        os.unlink(link)
    except FileNotFoundError:
        pass
    os.symlink(name, link)
    sys.stderr.write(f"N PTY is {name}\n")
    return master, slave

a, sa = open_pty(sys.argv[1])
b, sb = open_pty(sys.argv[2])
sys.stderr.write("N starting data transfer loop\n")
sys.stderr.flush()
peer = {a: b, b: a}
while True:
    ready, _, _ = select.select([a, b], [], [])
    for fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            # The other side closed its end; keep relaying for the side still open.
            continue
        os.write(peer[fd], data)
