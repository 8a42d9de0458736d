package io.duplex.session.writes;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local spool of writes the database could not take: an append-only file of
 * {@link SessionWrite}s, one JSON line each, every line forced to disk (fdatasync) before it counts
 * as spooled, and a checkpoint file holding the offset up to which lines were replayed (forced
 * too). Lines are handed back oldest first, so a session's writes replay in the order they were
 * made; once all are replayed, the file is emptied. It holds at most {@code maxBytes}: a write
 * past that is refused ({@link SpoolFullException}).
 * <p>
 * Blocking file I/O: every method but the lock-free {@link #holds}, {@link #size} and
 * {@link #bytes} is called from the spool's own scheduler (see {@link DurableWrites}), never from
 * an event loop. A spool directory is held by one process
 * at a time (a file lock); after a crash, the next node to open it replays what it holds.
 */
final class WriteSpool implements Closeable {

	private static final Logger log = LoggerFactory.getLogger(WriteSpool.class);

	private static final int READ_CHUNK = 64 * 1024;

	private final Path directory;

	private final long maxBytes;

	private final JsonMapper json;

	private final FileChannel lockChannel;

	private final FileLock lock;

	private final FileChannel file;

	private final FileChannel checkpoint;

	/** Where the next line to replay starts. */
	private long head;

	/** The end of the last whole line; volatile, as the size gauge reads it from any thread. */
	private volatile long tail;

	/** Lines not yet replayed, by session: a session with one here spools its later writes behind it. */
	private final Map<String, Integer> pending = new ConcurrentHashMap<>();

	/** Lines not yet replayed; volatile, as the size gauge reads it from any thread. */
	private volatile int lines;

	private WriteSpool(Path directory, long maxBytes, JsonMapper json, FileChannel lockChannel, FileLock lock)
			throws IOException {
		this.directory = directory;
		this.maxBytes = maxBytes;
		this.json = json;
		this.lockChannel = lockChannel;
		this.lock = lock;
		this.file = FileChannel.open(directory.resolve("writes.log"), StandardOpenOption.CREATE,
				StandardOpenOption.READ, StandardOpenOption.WRITE);
		this.checkpoint = FileChannel.open(directory.resolve("writes.replayed"), StandardOpenOption.CREATE,
				StandardOpenOption.READ, StandardOpenOption.WRITE);
		recover();
	}

	/**
	 * Opens the spool in {@code directory}, taking its lock.
	 * @return the spool; {@code null} when another spool (of this process or another) holds it
	 */
	static @Nullable WriteSpool open(Path directory, long maxBytes, JsonMapper json) throws IOException {
		Files.createDirectories(directory);
		FileChannel channel = FileChannel.open(directory.resolve("spool.lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
		FileLock lock;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		if (lock == null) {
			channel.close();
			return null;
		}
		try {
			return new WriteSpool(directory, maxBytes, json, channel, lock);
		}
		catch (IOException | RuntimeException ex) {
			lock.release();
			channel.close();
			throw ex;
		}
	}

	/**
	 * Opens the first free spool under {@code root} ({@code root/0}, {@code root/1}, ...): nodes that
	 * share a data directory each take one, and a node that restarts takes over what a stopped one left.
	 */
	static WriteSpool openFirstFree(Path root, long maxBytes, JsonMapper json) throws IOException {
		for (int slot = 0; slot < 1024; slot++) {
			WriteSpool spool = open(root.resolve(Integer.toString(slot)), maxBytes, json);
			if (spool != null) {
				return spool;
			}
		}
		throw new IOException("No free write spool under " + root);
	}

	Path directory() {
		return this.directory;
	}

	/** Whether lines of {@code sessionId} wait to be replayed. Lock-free: safe on any thread. */
	boolean holds(String sessionId) {
		return this.pending.containsKey(sessionId);
	}

	/** How many lines wait to be replayed. Lock-free: a metrics scrape on an event loop never waits on an fsync. */
	int size() {
		return this.lines;
	}

	/** Bytes the spool file takes. Lock-free, as {@link #size()}. */
	long bytes() {
		return this.tail;
	}

	/**
	 * Appends {@code write} and forces it to disk.
	 * @throws SpoolFullException when it would take the file past its bound
	 */
	synchronized void append(SessionWrite write) throws IOException {
		byte[] line = (this.json.writeValueAsString(write) + "\n").getBytes(StandardCharsets.UTF_8);
		if (this.tail + line.length > this.maxBytes) {
			throw new SpoolFullException(this.maxBytes);
		}
		ByteBuffer buffer = ByteBuffer.wrap(line);
		long position = this.tail;
		while (buffer.hasRemaining()) {
			position += this.file.write(buffer, position);
		}
		this.file.force(false);
		this.tail = position;
		this.lines++;
		this.pending.merge(write.sessionId(), 1, Integer::sum);
	}

	/** The oldest line not yet replayed; {@code null} when there is none. */
	synchronized @Nullable Spooled next() throws IOException {
		while (this.head < this.tail) {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			long end = readLine(this.head, line);
			try {
				return new Spooled(this.json.readValue(line.toByteArray(), SessionWrite.class), end);
			}
			catch (JacksonException ex) {
				// a line no longer readable (a type this version does not know) cannot be replayed
				log.error("Dropping an unreadable line of the write spool {} at {}", this.directory, this.head, ex);
				this.lines--;
				advance(end);
			}
		}
		return null;
	}

	/** {@code spooled} was applied: the spool moves past it, and is emptied once all is replayed. */
	synchronized void replayed(Spooled spooled) throws IOException {
		this.pending.computeIfPresent(spooled.write().sessionId(), (id, count) -> (count > 1) ? count - 1 : null);
		this.lines--;
		advance(spooled.end());
	}

	private void advance(long end) throws IOException {
		this.head = end;
		if (this.head >= this.tail) {
			// all replayed: empty the file first, so a crash in between leaves nothing to replay twice
			this.file.truncate(0);
			this.file.force(true);
			this.head = 0;
			this.tail = 0;
			this.pending.clear();
			this.lines = 0;
		}
		ByteBuffer offset = ByteBuffer.allocate(Long.BYTES).putLong(0, this.head);
		this.checkpoint.write(offset, 0);
		this.checkpoint.force(false);
	}

	/** Reads the line at {@code from} into {@code line}, without its newline; answers where the next starts. */
	private long readLine(long from, ByteArrayOutputStream line) throws IOException {
		ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK);
		long position = from;
		while (position < this.tail) {
			chunk.clear();
			int read = this.file.read(chunk, position);
			if (read <= 0) {
				break;
			}
			byte[] bytes = chunk.array();
			for (int i = 0; i < read; i++) {
				if (bytes[i] == '\n') {
					line.write(bytes, 0, i);
					return position + i + 1;
				}
			}
			line.write(bytes, 0, read);
			position += read;
		}
		throw new IOException("The write spool " + this.directory + " has no whole line at " + from);
	}

	/**
	 * Reads the state back after a start: the checkpoint, the last whole line (a line cut short by a
	 * crash was never acknowledged as spooled, so it is cut off) and which sessions wait.
	 */
	private void recover() throws IOException {
		ByteBuffer offset = ByteBuffer.allocate(Long.BYTES);
		long replayed = (this.checkpoint.read(offset, 0) == Long.BYTES) ? offset.getLong(0) : 0;
		long size = this.file.size();
		this.head = (replayed <= size) ? replayed : 0;
		long position = this.head;
		long lastWhole = this.head;
		ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK);
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		while (position < size) {
			chunk.clear();
			int read = this.file.read(chunk, position);
			if (read <= 0) {
				break;
			}
			byte[] bytes = chunk.array();
			int start = 0;
			for (int i = 0; i < read; i++) {
				if (bytes[i] == '\n') {
					line.write(bytes, start, i - start);
					countRecovered(line.toByteArray());
					line.reset();
					start = i + 1;
					lastWhole = position + i + 1;
				}
			}
			line.write(bytes, start, read - start);
			position += read;
		}
		if (lastWhole < size) {
			log.warn("Cutting off a partial line at the end of the write spool {}", this.directory);
			this.file.truncate(lastWhole);
			this.file.force(true);
		}
		this.tail = lastWhole;
		if (this.head >= this.tail && this.tail > 0) {
			this.head = this.tail;
			advance(this.tail);
		}
		if (this.lines > 0) {
			log.warn("The write spool {} holds {} writes from before; they replay once the database answers",
					this.directory, this.lines);
		}
	}

	private void countRecovered(byte[] line) {
		this.lines++;
		try {
			SessionWrite write = this.json.readValue(line, SessionWrite.class);
			this.pending.merge(write.sessionId(), 1, Integer::sum);
		}
		catch (JacksonException ex) {
			// counted; next() drops it with an error when its turn comes
		}
	}

	@Override
	public synchronized void close() throws IOException {
		try {
			this.file.close();
			this.checkpoint.close();
		}
		finally {
			this.lock.release();
			this.lockChannel.close();
		}
	}

	/** A spooled write and where the line after it starts. */
	record Spooled(SessionWrite write, long end) {
	}

	/** The spool is at its bound: the write cannot be kept. */
	static final class SpoolFullException extends IOException {

		SpoolFullException(long maxBytes) {
			super("the write spool is full (" + maxBytes + " bytes)");
		}

	}

}
