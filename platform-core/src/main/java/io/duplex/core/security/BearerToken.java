package io.duplex.core.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** An unauthenticated request carrying a bearer token, before a {@link CallerResolver} saw it. */
final class BearerToken extends AbstractAuthenticationToken {

	private final String token;

	BearerToken(String token) {
		super((java.util.Collection<org.springframework.security.core.GrantedAuthority>) null);
		this.token = token;
	}

	@Override
	public String getCredentials() {
		return this.token;
	}

	@Override
	public Object getPrincipal() {
		return "bearer";
	}

	@Override
	public String toString() {
		// never print the secret
		return "BearerToken[****]";
	}

}
