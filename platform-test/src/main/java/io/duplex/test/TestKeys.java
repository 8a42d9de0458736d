package io.duplex.test;

/** Credentials test contexts start with. */
public final class TestKeys {

	/** The bootstrap platform admin key of every test context (set as {@code duplex.bootstrap.admin-key}). */
	public static final String PLATFORM_ADMIN = "dpx_testplatformadmin0000000000000000000000000000";

	private TestKeys() {
	}

}
