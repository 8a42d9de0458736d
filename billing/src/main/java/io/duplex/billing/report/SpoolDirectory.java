package io.duplex.billing.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of one process's export spools: {@code <root>/node-…}, locked while the process
 * lives, deleted when it stops. A directory whose lock nobody holds was left by a process that
 * died, and is deleted when the next one starts, so spools never pile up across restarts.
 */
final class SpoolDirectory implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(SpoolDirectory.class);

	private static final String LOCK = "spool.lock";

	/**
	 * Directories of this process (one per application context). Never probed with a lock of
	 * their own: closing any channel of a locked file drops the process's lock on it (POSIX).
	 */
	private static final Set<Path> OWN = ConcurrentHashMap.newKeySet();

	private final Path path;

	private final FileChannel lockChannel;

	private final FileLock lock;

	private SpoolDirectory(Path path, FileChannel lockChannel, FileLock lock) {
		this.path = path;
		this.lockChannel = lockChannel;
		this.lock = lock;
	}

	/** Removes directories of dead processes under {@code root} and makes this process's own. */
	static SpoolDirectory open(Path root) {
		try {
			Files.createDirectories(root);
			removeStale(root);
			Path path = Files.createTempDirectory(root, "node-");
			FileChannel channel = FileChannel.open(path.resolve(LOCK), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
			SpoolDirectory directory = new SpoolDirectory(path, channel, channel.lock());
			OWN.add(path);
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not make the export spool directory under " + root, ex);
		}
	}

	Path path() {
		return this.path;
	}

	@Override
	public void close() {
		try {
			this.lock.release();
			this.lockChannel.close();
		}
		catch (IOException ex) {
			log.debug("Could not unlock the export spool directory", ex);
		}
		deleteTree(this.path);
		OWN.remove(this.path);
	}

	private static void removeStale(Path root) throws IOException {
		try (DirectoryStream<Path> nodes = Files.newDirectoryStream(root, "node-*")) {
			for (Path node : nodes) {
				if (Files.isDirectory(node) && !OWN.contains(node) && !held(node)) {
					log.info("Deleting export spools left by a stopped process in {}", node);
					deleteTree(node);
				}
			}
		}
	}

	/** Whether a live process (this one included) holds the directory's lock. */
	private static boolean held(Path node) {
		try (FileChannel channel = FileChannel.open(node.resolve(LOCK), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE)) {
			@Nullable FileLock lock = channel.tryLock();
			if (lock == null) {
				return true;
			}
			lock.release();
			return false;
		}
		catch (IOException | OverlappingFileLockException ex) {
			return true;
		}
	}

	private static void deleteTree(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach(ExportSpool::deleteQuietly);
		}
		catch (IOException ex) {
			log.warn("Could not delete the export spool directory {}", directory, ex);
		}
	}

}
