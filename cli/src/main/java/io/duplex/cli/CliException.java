package io.duplex.cli;

/** A command that failed for a reason the user can act on; its message is shown as it is, without a trace. */
final class CliException extends RuntimeException {

	CliException(String message) {
		super(message);
	}

	CliException(String message, Throwable cause) {
		super(message, cause);
	}

}
