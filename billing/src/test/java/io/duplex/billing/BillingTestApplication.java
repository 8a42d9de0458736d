package io.duplex.billing;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** Boots the billing module (with the core it builds on) for its tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
class BillingTestApplication {

}
