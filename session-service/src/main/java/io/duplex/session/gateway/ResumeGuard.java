package io.duplex.session.gateway;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Limits failed resume attempts per client address with a token bucket: each attempt takes a
 * token before the session is looked up, a successful (or not guessed) one gives it back, so
 * only failures drain an address's bucket, and another address's failures never touch it.
 * <p>
 * Memory is bounded: at most {@code resumeFailureAddresses} buckets, the least recently used
 * forgotten first, and a bucket back to full is dropped at once (it says nothing a new one would
 * not). A forgotten address starts again with a full bucket, which is the worst an eviction does.
 * The map is guarded by its own lock, held for a few field updates only, never across I/O.
 */
final class ResumeGuard {

	private final double tokensPerNano;

	private final double capacity;

	private final LongSupplier nanoTime;

	private final Map<String, Bucket> buckets;

	ResumeGuard(ResumeGuardSettings settings) {
		this(settings, System::nanoTime);
	}

	ResumeGuard(ResumeGuardSettings settings, LongSupplier nanoTime) {
		this.tokensPerNano = settings.resumeFailuresPerMinute() / (double) Duration.ofMinutes(1).toNanos();
		this.capacity = settings.resumeFailureBurst();
		this.nanoTime = nanoTime;
		int max = settings.resumeFailureAddresses();
		this.buckets = new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
				return size() > max;
			}

		};
	}

	/**
	 * Takes one attempt from the address's allowance.
	 * @return null when the attempt may go ahead; else how long until the address may try again
	 */
	@Nullable Duration tryAcquire(String address) {
		synchronized (this.buckets) {
			long now = this.nanoTime.getAsLong();
			Bucket bucket = this.buckets.get(address);
			double tokens = (bucket != null) ? bucket.tokensAt(now) : this.capacity;
			if (tokens < 1) {
				long waitNanos = (long) Math.ceil((1 - tokens) / this.tokensPerNano);
				return Duration.ofNanos(waitNanos);
			}
			if (bucket == null) {
				bucket = new Bucket();
				this.buckets.put(address, bucket);
			}
			bucket.set(tokens - 1, now);
			return null;
		}
	}

	/** Gives back the attempt taken for a resume that was not a failed guess. */
	void release(String address) {
		synchronized (this.buckets) {
			Bucket bucket = this.buckets.get(address);
			if (bucket == null) {
				return;
			}
			long now = this.nanoTime.getAsLong();
			double tokens = bucket.tokensAt(now) + 1;
			if (tokens >= this.capacity) {
				this.buckets.remove(address);
			}
			else {
				bucket.set(tokens, now);
			}
		}
	}

	/** Addresses tracked now. */
	int tracked() {
		synchronized (this.buckets) {
			return this.buckets.size();
		}
	}

	/**
	 * The key an address is limited under: an IPv4 address as it is; an IPv6 address by its /64,
	 * the block a single subscriber is given, so that walking through it gains nothing.
	 */
	static String keyOf(@Nullable InetSocketAddress remote) {
		InetAddress address = (remote != null) ? remote.getAddress() : null;
		if (address == null) {
			return (remote != null) ? remote.getHostString() : "unknown";
		}
		if (address instanceof Inet6Address) {
			byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
			Arrays.fill(prefix, 8, 16, (byte) 0);
			try {
				return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
			}
			catch (java.net.UnknownHostException ex) {
				throw new IllegalStateException("16 bytes are always an IPv6 address", ex);
			}
		}
		return (address instanceof Inet4Address) ? address.getHostAddress() : address.toString();
	}

	/** One address's allowance: the tokens it had at {@code at}. */
	private final class Bucket {

		private double tokens;

		private long at;

		double tokensAt(long now) {
			return Math.min(ResumeGuard.this.capacity, this.tokens + (now - this.at) * ResumeGuard.this.tokensPerNano);
		}

		void set(double tokens, long now) {
			this.tokens = tokens;
			this.at = now;
		}

	}

}
