package io.duplex.core.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JdbcUrlTests {

	@Test
	void fromR2dbcWhenPlainThenTheSameAddressOverJdbc() {
		assertThat(JdbcUrl.fromR2dbc("r2dbc:postgresql://db.internal:5432/duplex?sslmode=require"))
			.isEqualTo("jdbc:postgresql://db.internal:5432/duplex?sslmode=require");
	}

	@Test
	void fromR2dbcWhenPooledThenThePoolPrefixIsDropped() {
		assertThat(JdbcUrl.fromR2dbc("r2dbc:pool:postgresql://127.0.0.1:6543/postgres"))
			.isEqualTo("jdbc:postgresql://127.0.0.1:6543/postgres");
	}

	@Test
	void fromR2dbcWhenNotAnR2dbcUrlThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> JdbcUrl.fromR2dbc("jdbc:postgresql://h/db"))
			.withMessageContaining("must start with r2dbc:");
	}

}
