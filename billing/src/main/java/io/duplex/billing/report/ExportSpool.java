package io.duplex.billing.report;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.util.concurrent.TimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A finished export: its whole file on local disk, produced while the database connection was
 * held, and read from here as slowly as the client likes without holding anything in the
 * database. Read once; {@link #close} (called when the read ends, fails or is cancelled) deletes
 * the file and frees the tenant's export slot. A spool nobody starts to read within
 * {@link #UNREAD_LIMIT} (its request went away between the file and the response) closes itself.
 */
final class ExportSpool {

	/** Bytes read from the file at a time: the server's write queue holds a few of these per client. */
	static final int READ_CHUNK = 32 * 1024;

	static final Duration UNREAD_LIMIT = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(ExportSpool.class);

	private final Path file;

	private final long size;

	private final AsynchronousFileChannel channel;

	private final AtomicBoolean claimed = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicReference<ExportLimits.Slot> slot = new AtomicReference<>();

	private final Disposable expiry;

	private final Duration stallLimit;

	/**
	 * @param channel the file opened for reading (opened where blocking is allowed)
	 * @param stallLimit the longest the client may take no chunk before the read fails
	 */
	ExportSpool(Path file, long size, AsynchronousFileChannel channel, Duration stallLimit) {
		this.file = file;
		this.size = size;
		this.channel = channel;
		this.stallLimit = stallLimit;
		this.expiry = Mono.delay(UNREAD_LIMIT).subscribe((tick) -> {
			if (this.claimed.compareAndSet(false, true)) {
				close();
			}
		});
	}

	/** The file's length in bytes. */
	long size() {
		return this.size;
	}

	/** This spool now holds {@code slot}: freed when it closes (at once if it already has). */
	ExportSpool holding(ExportLimits.Slot slot) {
		this.slot.set(slot);
		if (this.closed.get()) {
			releaseSlot();
		}
		return this;
	}

	/**
	 * The file in buffers of {@code buffers}, read as they are asked for (non-blocking file I/O);
	 * the spool closes when the read completes, fails or is cancelled. A client that asks for no
	 * chunk for the stall limit (a chunk is read only on demand, so time without one is time the
	 * client did not read) fails the read, which closes its connection. A second read fails.
	 */
	Flux<DataBuffer> read(DataBufferFactory buffers) {
		return Flux.defer(() -> {
			if (!this.claimed.compareAndSet(false, true)) {
				return Flux.error(new IllegalStateException("An export spool is read once"));
			}
			this.expiry.dispose();
			return DataBufferUtils.readAsynchronousFileChannel(() -> this.channel, buffers, READ_CHUNK)
				.timeout(this.stallLimit)
				.doOnError(TimeoutException.class, (ex) -> log.info("An export download took nothing for {}: closed",
						this.stallLimit));
		}).doFinally((signal) -> close());
	}

	/** Frees the slot and deletes the file; any number of times, from any thread. */
	void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.expiry.dispose();
		releaseSlot();
		// closing and deleting touch the disk: not on the caller's thread, which may be an event loop
		Schedulers.boundedElastic().schedule(this::delete);
	}

	private void releaseSlot() {
		ExportLimits.Slot held = this.slot.getAndSet(null);
		if (held != null) {
			held.release();
		}
	}

	private void delete() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			log.debug("Could not close an export spool", ex);
		}
		deleteQuietly(this.file);
	}

	static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			log.warn("Could not delete the export spool {}", file, ex);
		}
	}

}
