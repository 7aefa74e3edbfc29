package dev.registrytokens.core;

import java.util.List;

/** One page of a listing; {@code nextCursor} is null on the last page. */
public record TokenPage(List<TokenView> items, String nextCursor) {
}
