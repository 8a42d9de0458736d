package io.duplex.cli;

/** A command line that cannot be run as given; its message says what to change. */
final class UsageException extends RuntimeException {

	UsageException(String message) {
		super(message);
	}

}
