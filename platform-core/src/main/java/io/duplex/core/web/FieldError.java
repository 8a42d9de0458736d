package io.duplex.core.web;

/**
 * One rejected field of a request, as listed in a validation problem's {@code errors}.
 * @param field the field's path in the request body, e.g. {@code tools[0].parameters}
 * @param message what is wrong with it
 */
public record FieldError(String field, String message) {
}
