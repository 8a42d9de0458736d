package io.duplex.billing.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.stereotype.Component;

import io.duplex.billing.pricing.PriceBooks;
import io.duplex.core.database.JdbcUrl;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.pool.InstrumentedPool;
import reactor.pool.PoolAcquirePendingLimitException;
import reactor.pool.PoolBuilder;
import reactor.pool.PooledRef;
import tools.jackson.databind.json.JsonMapper;

/**
 * Produces exports (CSV, FOCUS, XLSX) with {@code COPY … TO STDOUT} through the PostgreSQL JDBC
 * driver, on a pool of connections and threads of its own: never the request connections (R2DBC),
 * never an event loop. Each export is written whole to a {@link ExportSpool spool file} and its
 * connection handed back <em>before</em> the client is sent a byte, so a client that reads slowly
 * (or not at all) holds a file and a socket, nothing in the database.
 * <p>
 * A node produces at most {@link ExportProperties#maxConcurrent} exports at once, one per
 * connection; one more is refused at once (429) rather than queued. An export that takes longer
 * than {@link ExportProperties#maxDuration}, grows past {@link ExportProperties#maxSpoolSize}, or
 * whose client goes away is aborted: its connection is aborted (the server stops the COPY when its
 * socket closes) and closed, its file deleted. A connection is reused after an export that
 * completed.
 */
@Component
class CopyExports implements DisposableBean {

	/** The name export connections show in {@code pg_stat_activity}. */
	static final String APPLICATION_NAME = "duplex-usage-export";

	private static final Logger log = LoggerFactory.getLogger(CopyExports.class);

	/** Chunks are copied to the file at once: heap buffers, nothing to release. */
	private static final DefaultDataBufferFactory HEAP = DefaultDataBufferFactory.sharedInstance;

	private final JsonMapper json;

	private final ExportProperties properties;

	private final Scheduler threads;

	private final InstrumentedPool<Connection> pool;

	private final SpoolDirectory spools;

	CopyExports(Environment environment, JsonMapper json, ExportProperties properties) {
		this.json = json;
		this.properties = properties;
		String url = JdbcUrl.fromR2dbc(environment.getRequiredProperty("spring.r2dbc.url"));
		Properties connection = new Properties();
		String user = environment.getProperty("spring.r2dbc.username");
		String password = environment.getProperty("spring.r2dbc.password");
		if (user != null) {
			connection.setProperty("user", user);
		}
		if (password != null) {
			connection.setProperty("password", password);
		}
		connection.setProperty("ApplicationName", APPLICATION_NAME);
		int size = properties.maxConcurrent();
		// a thread per export, and room for the pool's connects and closes beside them
		this.threads = Schedulers.newBoundedElastic(size + 2, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE,
				"usage-export", 60, true);
		this.pool = PoolBuilder.from(Mono.fromCallable(() -> connect(url, connection)).subscribeOn(this.threads))
			.sizeBetween(0, size)
			// a full pool refuses at once: exports never queue behind slow ones
			.maxPendingAcquire(0)
			.releaseHandler((ready) -> Mono.<Void>fromRunnable(() -> rollback(ready)).subscribeOn(this.threads))
			.destroyHandler((ready) -> Mono.<Void>fromRunnable(() -> close(ready)).subscribeOn(this.threads))
			.evictionPredicate((ready, ref) -> ref.idleTime() > Duration.ofMinutes(1).toMillis())
			.evictInBackground(Duration.ofMinutes(1), this.threads)
			.buildPool();
		this.spools = SpoolDirectory.open(spoolRoot(properties, environment));
	}

	/** The spool setting; else the data directory's {@code exports}; else the JVM's temporary directory. */
	static Path spoolRoot(ExportProperties properties, Environment environment) {
		String configured = properties.spoolDir();
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured).toAbsolutePath().normalize();
		}
		String data = environment.getProperty("duplex.data-dir");
		return ((data != null && !data.isBlank()) ? Path.of(data, "exports")
				: Path.of(System.getProperty("java.io.tmpdir"), "duplex-exports"))
			.toAbsolutePath()
			.normalize();
	}

	/**
	 * The export written whole to a spool file by {@code writer}, its connection already handed
	 * back. Errors with 429 {@code export-limit-exceeded} when every export connection is in use,
	 * 503 {@code export-duration-exceeded} past the duration limit, 422 {@code export-too-large}
	 * past the size limit; cancelling aborts the export. The file is deleted on every way but
	 * success, and by the spool after.
	 */
	Mono<ExportSpool> spool(UsageQuery query, PriceBooks books, ExportWriter writer) {
		Duration limit = this.properties.maxDuration();
		return this.pool.acquire()
			.onErrorMap(PoolAcquirePendingLimitException.class,
					(ex) -> ExportProblems.nodeLimit(this.properties.maxConcurrent()))
			.flatMap((ref) -> Mono.<ExportSpool>create((sink) -> {
				Run run = new Run(ref, new CopyExport(ref.poolable(), books, this.json, query, writer), sink);
				sink.onCancel(run::cancel);
				this.threads.schedule(run::run);
			}))
			.timeout(limit)
			.onErrorMap(TimeoutException.class, (ex) -> ExportProblems.durationExceeded(limit))
			// a spool made while the export was being cancelled: nobody will read it
			.doOnDiscard(ExportSpool.class, ExportSpool::close);
	}

	/** Connections the pool holds, in use or idle. */
	int connections() {
		return this.pool.metrics().allocatedSize();
	}

	/** Connections exports hold now. */
	int inUse() {
		return this.pool.metrics().acquiredSize();
	}

	/** Where this process writes its spool files. */
	Path spoolDirectory() {
		return this.spools.path();
	}

	@Override
	public void destroy() {
		this.pool.disposeLater().block(Duration.ofSeconds(10));
		this.threads.dispose();
		this.spools.close();
	}

	private static Connection connect(String url, Properties properties) throws SQLException {
		Connection connection = DriverManager.getConnection(url, properties);
		connection.setAutoCommit(false);
		connection.setReadOnly(true);
		return connection;
	}

	/** Ends the export's transaction, and with it the settings it made. */
	private static void rollback(Connection connection) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			// broken: the next export's first statement fails and its end closes the connection
			log.debug("Could not end an export's transaction", ex);
		}
	}

	private static void close(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			log.debug("Could not close an export connection", ex);
		}
	}

	/**
	 * The life of one export on its connection: {@link #run} on an export thread writes the file;
	 * {@link #cancel} may come at any time from any thread. Whoever moves the state from
	 * {@code NEW} or {@code RUNNING} decides: the run hands its result on, or the cancel aborts
	 * the connection and the run cleans up after itself.
	 */
	private final class Run {

		private static final int NEW = 0;

		private static final int RUNNING = 1;

		private static final int DONE = 2;

		private static final int CANCELLED = 3;

		private final PooledRef<Connection> ref;

		private final CopyExport export;

		private final MonoSink<ExportSpool> sink;

		private final AtomicInteger state = new AtomicInteger(NEW);

		Run(PooledRef<Connection> ref, CopyExport export, MonoSink<ExportSpool> sink) {
			this.ref = ref;
			this.export = export;
			this.sink = sink;
		}

		void run() {
			if (!this.state.compareAndSet(NEW, RUNNING)) {
				// cancelled before it began: the connection is as the pool gave it
				this.ref.release().subscribe(null, (ex) -> log.debug("Could not hand an export connection back", ex));
				return;
			}
			Path file = null;
			Throwable failure = null;
			long size = 0;
			try {
				file = Files.createTempFile(spoolDirectory(), "usage-export-", ".part");
				size = write(file);
			}
			catch (SQLException | IOException | RuntimeException ex) {
				failure = ex;
			}
			AsynchronousFileChannel reading = null;
			if (failure == null) {
				try {
					reading = AsynchronousFileChannel.open(file, StandardOpenOption.READ);
				}
				catch (IOException ex) {
					failure = ex;
				}
			}
			if (reading != null && this.state.compareAndSet(RUNNING, DONE)) {
				ExportSpool spool = new ExportSpool(file, size, reading,
						CopyExports.this.properties.maxDownloadStall());
				// the client gets its file once the connection is back, ready for the next export
				this.ref.release().subscribe(null, (ex) -> {
					log.debug("Could not hand an export connection back", ex);
					this.sink.success(spool);
				}, () -> this.sink.success(spool));
				return;
			}
			closeQuietly(reading);
			if (file != null) {
				ExportSpool.deleteQuietly(file);
			}
			Throwable error = (failure != null) ? failure : new IllegalStateException("export cancelled");
			// maybe in the middle of a COPY, or aborted: never reused
			this.ref.invalidate().subscribe(null, (ex) -> {
				log.debug("Could not close an export connection", ex);
				this.sink.error(error);
			}, () -> this.sink.error(error));
		}

		/** The export into {@code file}; its size. */
		private long write(Path file) throws SQLException, IOException {
			long max = CopyExports.this.properties.maxSpoolSize().toBytes();
			long size = 0;
			try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
				this.export.start();
				for (DataBuffer chunk = this.export.next(HEAP); chunk != null; chunk = this.export.next(HEAP)) {
					if (this.state.get() != RUNNING) {
						throw new IllegalStateException("export cancelled");
					}
					size += chunk.readableByteCount();
					if (size > max) {
						throw ExportProblems.tooLarge(CopyExports.this.properties.maxSpoolSize());
					}
					try (DataBuffer.ByteBufferIterator buffers = chunk.readableByteBuffers()) {
						while (buffers.hasNext()) {
							ByteBuffer buffer = buffers.next();
							while (buffer.hasRemaining()) {
								out.write(buffer);
							}
						}
					}
				}
			}
			return size;
		}

		/** Stops the export: its connection is aborted, so a read blocked in the driver ends now. */
		void cancel() {
			while (true) {
				int now = this.state.get();
				if (now == NEW && this.state.compareAndSet(NEW, CANCELLED)) {
					return;
				}
				if (now == RUNNING && this.state.compareAndSet(RUNNING, CANCELLED)) {
					Connection connection = this.ref.poolable();
					// not on this thread (maybe an event loop), nor on the export threads (maybe all reading)
					Schedulers.boundedElastic().schedule(() -> abort(connection));
					return;
				}
				if (now == DONE || now == CANCELLED) {
					return;
				}
			}
		}

		private static void abort(Connection connection) {
			try {
				connection.abort(Runnable::run);
			}
			catch (SQLException ex) {
				log.debug("Could not abort an export connection", ex);
			}
		}

		private static void closeQuietly(@Nullable AsynchronousFileChannel channel) {
			if (channel != null) {
				try {
					channel.close();
				}
				catch (IOException ex) {
					log.debug("Could not close an export spool", ex);
				}
			}
		}

	}

}
