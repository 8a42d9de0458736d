package io.duplex.session.conversation;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** Boots the session module with the control plane (for API keys) for the conversation tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
class ConversationTestApplication {

}
