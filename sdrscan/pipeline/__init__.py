"""The receiver: wideband IQ in, verified L2 blocks (23 octets) with their frame numbers out.

``acquisition`` finds C0 carriers (FCCH tones) in a wideband capture, ``channelizer`` streams every tracked
carrier out of one shared FFT, ``carrier`` is the per-carrier state machine (FCCH search, SCH search,
synchronized) and ``receiver`` ties them together for a stream of sample blocks.
"""
