"""Run Debian's ``grgsm_decode`` with its UDP output replaced by a sink (run with /usr/bin/python3).

On Debian bookworm (GNU Radio 3.10) the script fails at start-up: it builds ``gnuradio.pdu.socket_pdu``,
which moved to ``gnuradio.network``. Its ``-v`` output (FN, count, hex per decoded block) is all the tests
read, so the GSMTAP socket is replaced by a block that drops the messages; nothing binds a UDP port.
Usage: ``/usr/bin/python3 grgsm_shim.py -c FILE -s RATE -a ARFCN -m BCCH -t 0 -v``.
"""

import runpy
import sys

import pmt
from gnuradio import gr, pdu


class NullPdu(gr.basic_block):
    """Accepts PDUs on port ``pdus`` and drops them."""

    def __init__(self, *args):
        gr.basic_block.__init__(self, "null_pdu", None, None)
        self.message_port_register_in(pmt.intern("pdus"))
        self.set_msg_handler(pmt.intern("pdus"), self.drop)

    def drop(self, msg):
        pass


pdu.socket_pdu = NullPdu
sys.argv = ["grgsm_decode"] + sys.argv[1:]
runpy.run_path("/usr/bin/grgsm_decode", run_name="__main__")
