package io.duplex.session.audio;

/**
 * ITU-T G.711 companding between 16-bit linear samples and 8-bit µ-law or A-law codes,
 * bit-exact with the reference implementation of ITU-T G.191 (the Software Tool Library).
 * <p>
 * Encoding follows the reference rather than the older Sun {@code g711.c}: negative samples take
 * their magnitude as the one's complement ({@code ~x}), so every code is symmetric around zero and
 * {@code -1} encodes as negative zero. The two differ only on a few negative samples that lie
 * exactly between two quantisation levels. Decoding goes through a 256-entry table built from the
 * reference formula, so it costs one array read per sample.
 */
enum G711 {

	/** µ-law (PCMU): 14-bit linear range, finer steps for quiet signals. */
	MU_LAW {

		@Override
		byte encode(int sample) {
			// 14 bits of magnitude, biased by 33 so that the segment is the position of the top bit
			int magnitude = ((sample < 0) ? ~sample : sample) >> 2;
			int biased = Math.min(magnitude + 33, 0x1FFF);
			int segment = 32 - Integer.numberOfLeadingZeros(biased >> 6);
			int code = ((7 - segment) << 4) | (15 - ((biased >> (segment + 1)) & 0x0F));
			return (byte) ((sample >= 0) ? (code | 0x80) : code);
		}

		@Override
		short decodeFormula(int code) {
			int complement = ~code;
			int exponent = (complement >> 4) & 0x07;
			int step = 8 << exponent;
			int magnitude = (0x80 << exponent) + step * (complement & 0x0F) + step / 2 - 132;
			return (short) (((code & 0x80) != 0) ? magnitude : -magnitude);
		}

	},

	/** A-law (PCMA): 13-bit linear range, even bits inverted on the wire. */
	A_LAW {

		@Override
		byte encode(int sample) {
			int magnitude = ((sample < 0) ? ~sample : sample) >> 4;
			int code;
			if (magnitude <= 15) {
				code = magnitude;
			}
			else {
				// the exponent is how far the leading one sits above bit 4
				int exponent = 28 - Integer.numberOfLeadingZeros(magnitude);
				code = (exponent << 4) | ((magnitude >> (exponent - 1)) & 0x0F);
			}
			return (byte) (((sample >= 0) ? (code | 0x80) : code) ^ 0x55);
		}

		@Override
		short decodeFormula(int code) {
			int plain = (code ^ 0x55) & 0x7F;
			int exponent = plain >> 4;
			int mantissa = (exponent > 0) ? (plain & 0x0F) + 16 : (plain & 0x0F);
			int magnitude = (mantissa << 4) + 8;
			if (exponent > 1) {
				magnitude <<= exponent - 1;
			}
			return (short) (((code & 0x80) != 0) ? magnitude : -magnitude);
		}

	};

	private final short[] decodeTable = new short[256];

	G711() {
		for (int code = 0; code < 256; code++) {
			this.decodeTable[code] = decodeFormula(code);
		}
	}

	/** The code for a sample in the range of a {@code short}. */
	abstract byte encode(int sample);

	abstract short decodeFormula(int code);

	short decode(byte code) {
		return this.decodeTable[code & 0xFF];
	}

	void encode(short[] samples, int offset, int count, byte[] codes, int codesOffset) {
		for (int i = 0; i < count; i++) {
			codes[codesOffset + i] = encode(samples[offset + i]);
		}
	}

	void decode(byte[] codes, int offset, int count, short[] samples, int samplesOffset) {
		short[] table = this.decodeTable;
		for (int i = 0; i < count; i++) {
			samples[samplesOffset + i] = table[codes[offset + i] & 0xFF];
		}
	}

}
