package io.duplex.core.database;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where the PostgreSQL database is, parsed from one URL such as
 * {@code postgresql://user:secret@db.internal:5432/duplex?sslmode=require} (the libpq form; a
 * {@code jdbc:} or {@code r2dbc:} prefix is accepted too), and turned into the Spring properties
 * that point R2DBC (and with it the migrations) at it.
 */
public record DatabaseUrl(String host, int port, String database, @Nullable String username,
		@Nullable String password, @Nullable String query) {

	public static DatabaseUrl parse(String url) {
		String plain = url.replaceFirst("^(jdbc:|r2dbc:)", "").replaceFirst("^postgres://", "postgresql://");
		if (!plain.startsWith("postgresql://")) {
			throw new IllegalArgumentException("Not a PostgreSQL URL (postgresql://user:password@host:port/database)");
		}
		URI uri = URI.create(plain);
		String user = null;
		String password = null;
		if (uri.getRawUserInfo() != null) {
			String[] parts = uri.getRawUserInfo().split(":", 2);
			user = decode(parts[0]);
			password = (parts.length > 1) ? decode(parts[1]) : null;
		}
		String database = (uri.getPath() == null || uri.getPath().length() <= 1) ? "postgres" : uri.getPath().substring(1);
		return new DatabaseUrl(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 5432, database, user, password,
				uri.getRawQuery());
	}

	public String r2dbcUrl() {
		return "r2dbc:postgresql://" + this.host + ":" + this.port + "/" + this.database
				+ ((this.query != null) ? "?" + this.query : "");
	}

	public String jdbcUrl() {
		return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + this.database
				+ ((this.query != null) ? "?" + this.query : "");
	}

	/** The properties that point the whole platform at this database. */
	public Map<String, Object> springProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.r2dbc.url", r2dbcUrl());
		if (this.username != null) {
			properties.put("spring.r2dbc.username", this.username);
		}
		if (this.password != null) {
			properties.put("spring.r2dbc.password", this.password);
		}
		return properties;
	}

	@Override
	public String toString() {
		// never print the password
		return "DatabaseUrl[" + this.username + "@" + this.host + ":" + this.port + "/" + this.database + "]";
	}

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

}
