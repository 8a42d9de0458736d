package io.duplex.session;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * Boots what the classpath holds (core, the control plane and the session module) for the
 * session module's tests, as the server would.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class SessionTestApplication {

}
