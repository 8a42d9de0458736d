package io.duplex.api;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.ContextConfiguration;

import io.duplex.test.RestApiTestSupport;
import io.duplex.test.TestDatabase;
import io.duplex.test.TestKeys;

/**
 * Base of the control plane's tests: the real application on a random port, a real PostgreSQL,
 * and helpers that make fresh tenants and keys through the API itself, so tests never share
 * mutable state and never clean tables.
 */
@SpringBootTest(classes = ApiTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "duplex.bootstrap.admin-key=" + TestKeys.PLATFORM_ADMIN,
				"duplex.secrets.keys." + ApiTestSupport.OLD_SECRETS_KEY_ID + "=" + ApiTestSupport.OLD_SECRETS_KEY,
				"duplex.secrets.keys." + ApiTestSupport.SECRETS_KEY_ID + "=" + ApiTestSupport.SECRETS_KEY,
				"duplex.secrets.current-key=" + ApiTestSupport.SECRETS_KEY_ID })
@ContextConfiguration(initializers = TestDatabase.Initializer.class)
@AutoConfigureWebTestClient(timeout = "30s")
public abstract class ApiTestSupport extends RestApiTestSupport {

	/** The secrets key the test context seals with. */
	public static final String SECRETS_KEY_ID = "test";

	public static final String SECRETS_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	/** An older key of the test context's ring, as after a rotation: it still opens what it sealed. */
	public static final String OLD_SECRETS_KEY_ID = "old";

	public static final String OLD_SECRETS_KEY = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=";

}
