package io.duplex.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Options of one command: {@code --name value} and {@code --flag}, each at most once. Anything
 * else (an unknown option, a missing value, a stray word) is a {@link UsageException} naming it.
 * @param values options with a value, by name without the dashes
 * @param flags options without a value that were given
 */
record Arguments(Map<String, String> values, Set<String> flags) {

	static Arguments parse(String command, List<String> args, Set<String> valued, Set<String> flagNames) {
		Map<String, String> values = new HashMap<>();
		Set<String> flags = new HashSet<>();
		for (int i = 0; i < args.size(); i++) {
			String arg = args.get(i);
			if (!arg.startsWith("--") || arg.length() == 2) {
				throw new UsageException("Unexpected '" + arg + "' for 'duplex " + command + "': options start with --.");
			}
			String name = arg.substring(2);
			String inline = null;
			int equals = name.indexOf('=');
			if (equals > 0) {
				// --seconds=30 is accepted as well as --seconds 30
				inline = name.substring(equals + 1);
				name = name.substring(0, equals);
			}
			if (flagNames.contains(name) && inline == null) {
				if (!flags.add(name)) {
					throw new UsageException("--" + name + " is given twice.");
				}
			}
			else if (valued.contains(name)) {
				String value = inline;
				if (value == null) {
					if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
						throw new UsageException("--" + name + " needs a value.");
					}
					value = args.get(++i);
				}
				if (values.putIfAbsent(name, value) != null) {
					throw new UsageException("--" + name + " is given twice.");
				}
			}
			else {
				throw new UsageException("Unknown option --" + name + " for 'duplex " + command + "'.");
			}
		}
		return new Arguments(Map.copyOf(values), Set.copyOf(flags));
	}

	@Nullable String value(String name) {
		return this.values.get(name);
	}

	String value(String name, String fallback) {
		return this.values.getOrDefault(name, fallback);
	}

	boolean flag(String name) {
		return this.flags.contains(name);
	}

	boolean has(String name) {
		return this.values.containsKey(name) || this.flags.contains(name);
	}

	/** A number option within bounds, or the fallback when absent. */
	double number(String name, double fallback, double min, double max) {
		String value = this.values.get(name);
		if (value == null) {
			return fallback;
		}
		double number;
		try {
			number = Double.parseDouble(value);
		}
		catch (NumberFormatException ex) {
			throw new UsageException("--" + name + " must be a number, not '" + value + "'.");
		}
		if (!(number >= min && number <= max)) {
			throw new UsageException("--" + name + " must be between " + plain(min) + " and " + plain(max) + ", not "
					+ value + ".");
		}
		return number;
	}

	private static String plain(double number) {
		return (number == Math.rint(number)) ? Long.toString((long) number) : Double.toString(number);
	}

}
