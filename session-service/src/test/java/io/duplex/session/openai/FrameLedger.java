package io.duplex.session.openai;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks that every input audio frame a client sends reaches exactly one upstream, exactly once
 * and in order. The client {@link #stamp stamps} each frame with its session and number in the
 * lowest bit of its first 64 samples (a change of one step in 32768, which leaves voice activity
 * detection as it was); the fake upstream hands the ledger the audio of every append, which it
 * cuts back into frames and reads.
 */
final class FrameLedger implements FakeOpenAiRealtime.AudioTap {

	static final int STAMP_SAMPLES = 64;

	/** The top 16 bits of every stamp: anything else read is not a frame boundary. */
	private static final long MARK = 0xA5C3L << 48;

	private final int frameBytes;

	private final Map<Integer, Frames> sessions = new ConcurrentHashMap<>();

	private final Map<FakeConnection, Cut> connections = new ConcurrentHashMap<>();

	FrameLedger(int frameSamples) {
		this.frameBytes = frameSamples * 2;
	}

	/** Writes {@code session} (below 2^16) and {@code number} (below 2^32) into {@code frame}. */
	static void stamp(short[] frame, int session, long number) {
		long stamp = MARK | ((long) session << 32) | number;
		for (int i = 0; i < STAMP_SAMPLES; i++) {
			frame[i] = (short) ((frame[i] & ~1) | ((stamp >>> i) & 1));
		}
	}

	@Override
	public void appended(FakeConnection connection, byte[] pcm) {
		Cut cut = this.connections.computeIfAbsent(connection, (key) -> new Cut(this.frameBytes));
		synchronized (cut) {
			cut.add(pcm, this);
		}
	}

	/** What the upstreams received of {@code session}'s frames. */
	Frames of(int session) {
		return this.sessions.computeIfAbsent(session, (key) -> new Frames());
	}

	/** A connection that carried a session's frames: when its handshake came and its session was ready. */
	record Opened(int session, long acceptedNanos, long updatedNanos) {
	}

	/** Every connection that carried frames. */
	List<Opened> opened() {
		return this.connections.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().session >= 0)
			.map((entry) -> new Opened(entry.getValue().session, entry.getKey().acceptedNanos,
					entry.getKey().updatedNanos))
			.toList();
	}

	/** Connections whose audio held frames of more than one session, or bytes that were no frame. */
	long mixedConnections() {
		return this.connections.values().stream().filter((cut) -> cut.mixed || cut.unreadable > 0).count();
	}

	long unreadable() {
		return this.connections.values().stream().mapToLong((cut) -> cut.unreadable).sum();
	}

	private void frame(Cut cut, byte[] frame) {
		long stamp = 0;
		for (int i = 0; i < STAMP_SAMPLES; i++) {
			stamp |= (long) (frame[2 * i] & 1) << i;
		}
		if ((stamp & 0xFFFF_0000_0000_0000L) != MARK) {
			cut.unreadable++;
			return;
		}
		int session = (int) ((stamp >>> 32) & 0xFFFF);
		if (cut.session < 0) {
			cut.session = session;
		}
		else if (cut.session != session) {
			cut.mixed = true;
		}
		of(session).received(stamp & 0xFFFF_FFFFL);
	}

	/** One connection's audio, cut into frames; frames never straddle appends in practice, but may. */
	private static final class Cut {

		private final byte[] partial;

		private int filled;

		volatile int session = -1;

		boolean mixed;

		long unreadable;

		Cut(int frameBytes) {
			this.partial = new byte[frameBytes];
		}

		void add(byte[] pcm, FrameLedger ledger) {
			int at = 0;
			while (at < pcm.length) {
				int take = Math.min(this.partial.length - this.filled, pcm.length - at);
				System.arraycopy(pcm, at, this.partial, this.filled, take);
				this.filled += take;
				at += take;
				if (this.filled == this.partial.length) {
					ledger.frame(this, this.partial);
					this.filled = 0;
				}
			}
		}

	}

	/** The frames of one session the upstreams received: which, how often, whether in order. */
	static final class Frames {

		private final BitSet seen = new BitSet();

		private long received;

		private long duplicates;

		private long outOfOrder;

		private long last = -1;

		synchronized void received(long number) {
			this.received++;
			if (this.seen.get((int) number)) {
				this.duplicates++;
			}
			this.seen.set((int) number);
			if (number != this.last + 1) {
				this.outOfOrder++;
			}
			this.last = number;
		}

		synchronized long received() {
			return this.received;
		}

		synchronized long duplicates() {
			return this.duplicates;
		}

		synchronized long outOfOrder() {
			return this.outOfOrder;
		}

		/** Frames numbered below {@code sent} that never arrived. */
		synchronized long lost(long sent) {
			return sent - this.seen.get(0, (int) sent).cardinality();
		}

		/** Frames that arrived numbered {@code sent} or above: never sent, so corrupt. */
		synchronized long unknown(long sent) {
			return this.seen.get((int) sent, Math.max((int) sent, this.seen.length())).cardinality();
		}

	}

}
