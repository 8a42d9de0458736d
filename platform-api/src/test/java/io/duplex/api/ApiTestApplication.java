package io.duplex.api;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** Boots the control plane alone (core and api modules) for its tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
class ApiTestApplication {

}
