package io.duplex.core.schema;

/**
 * A module's own PostgreSQL schema and the classpath folder of its Flyway migrations. Each
 * module declares one as a bean; {@link SchemaMigrations} brings them all up to date at start.
 * @param schema the schema the module's tables live in, e.g. {@code control}
 * @param location the migrations folder, e.g. {@code classpath:db/control}
 */
public record ModuleSchema(String schema, String location) {
}
