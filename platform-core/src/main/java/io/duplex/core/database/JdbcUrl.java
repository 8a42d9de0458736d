package io.duplex.core.database;

/**
 * The JDBC URL of the database that {@code spring.r2dbc.url} names: the schema migrations and
 * the usage exports (PostgreSQL's COPY) speak JDBC to the same database R2DBC serves, so one
 * setting points the whole platform at it.
 */
public final class JdbcUrl {

	private JdbcUrl() {
	}

	/**
	 * {@code r2dbc:[pool:]postgresql://h:5432/db?x=y} becomes {@code jdbc:postgresql://h:5432/db?x=y}.
	 * @throws IllegalArgumentException when the URL does not start with {@code r2dbc:}
	 */
	public static String fromR2dbc(String r2dbcUrl) {
		if (!r2dbcUrl.startsWith("r2dbc:")) {
			throw new IllegalArgumentException("spring.r2dbc.url must start with r2dbc:, was " + r2dbcUrl);
		}
		String rest = r2dbcUrl.substring("r2dbc:".length());
		if (rest.startsWith("pool:")) {
			rest = rest.substring("pool:".length());
		}
		return "jdbc:" + rest;
	}

}
