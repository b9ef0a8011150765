/* gleaner-encoding.h: WHATWG encodings: labels, BOM and meta prescan, decoding to UTF-8
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * GleanerEncodingKind:
 *
 * How an encoding is decoded. Single-byte encodings use a table that is built
 * from iconv once per decoder; the multi-byte CJK encodings stream through
 * iconv; the others are decoded here (iconv has no WHATWG-exact equivalent).
 */
typedef enum
{
  GLEANER_ENCODING_KIND_UTF8,
  GLEANER_ENCODING_KIND_UTF16LE,
  GLEANER_ENCODING_KIND_UTF16BE,
  GLEANER_ENCODING_KIND_SINGLE_BYTE,
  GLEANER_ENCODING_KIND_MULTI_BYTE,
  GLEANER_ENCODING_KIND_REPLACEMENT,
  GLEANER_ENCODING_KIND_X_USER_DEFINED,
} GleanerEncodingKind;

/**
 * GleanerEncoding:
 * @name: the WHATWG name ("UTF-8", "windows-1252", "Shift_JIS", ...)
 * @iconv_name: the glibc iconv name used to decode it, or %NULL
 * @kind: how it is decoded
 * @ascii_compatible: whether every byte below 0x80 decodes to the same ASCII
 *   character whatever comes before it (FALSE for UTF-16, ISO-2022-JP, replacement)
 *
 * One row of the Encoding Standard's table. Rows are static and compared by address.
 */
typedef struct
{
  const char          *name;
  const char          *iconv_name;
  GleanerEncodingKind  kind;
  gboolean             ascii_compatible;
} GleanerEncoding;

extern const GleanerEncoding gleaner_encoding_utf8;
extern const GleanerEncoding gleaner_encoding_utf16le;
extern const GleanerEncoding gleaner_encoding_utf16be;
extern const GleanerEncoding gleaner_encoding_windows_1252;
extern const GleanerEncoding gleaner_encoding_replacement;
extern const GleanerEncoding gleaner_encoding_x_user_defined;

/* Every encoding of the Encoding Standard, in its table's order. */
const GleanerEncoding * const *gleaner_encoding_list       (guint               *n_encodings);

/* "get an encoding": trims ASCII whitespace, ASCII-lowercases, looks @label up
 * in the full WHATWG label table. %NULL for an unknown label. @len may be -1. */
const GleanerEncoding *gleaner_encoding_for_label          (const char          *label,
                                                            gssize               len);
/* The encoding whose WHATWG name is @name (ASCII case-insensitive), or %NULL. */
const GleanerEncoding *gleaner_encoding_for_name           (const char          *name);

/* BOM sniffing: UTF-8, UTF-16BE or UTF-16LE; sets @bom_len. */
const GleanerEncoding *gleaner_encoding_sniff_bom          (const guint8        *data,
                                                            gsize                len,
                                                            gsize               *bom_len);

/* WHATWG "parse a MIME type": the essence ("type/subtype", lowercase) and the
 * first charset parameter. FALSE when @content_type is not a valid MIME type. */
gboolean               gleaner_content_type_parse          (const char          *content_type,
                                                            char               **essence,
                                                            char               **charset);

/* The charset parameter of a Content-Type value, parsed as WHATWG MIME types
 * are; %NULL when absent or not a known label. */
const GleanerEncoding *gleaner_encoding_from_content_type  (const char          *content_type);

/* The HTML spec's "prescan a byte stream to determine its encoding" over the
 * first 1024 bytes of @data (UTF-16 labels give UTF-8, x-user-defined gives
 * windows-1252). %NULL when nothing is declared there. */
const GleanerEncoding *gleaner_encoding_prescan            (const guint8        *data,
                                                            gsize                len);

/* "extracting a character encoding from a meta element" for a content value. */
const GleanerEncoding *gleaner_encoding_from_meta_content  (const char          *content,
                                                            gsize                len);

/* WHATWG UTF-8 validity (NUL allowed). Sets @non_ascii when a byte >= 0x80 is
 * present. With @allow_cut_tail, an incomplete sequence at the very end
 * does not count as invalid (more bytes may complete it). */
gboolean               gleaner_utf8_validate               (const guint8        *data,
                                                            gsize                len,
                                                            gboolean             allow_cut_tail,
                                                            gboolean            *non_ascii);

/* Maps a charset name reported by uchardet to a WHATWG encoding; %NULL for the
 * ones a browser would never pick (UTF-16/32 without BOM, ISO-2022-KR/CN, HZ,
 * EUC-TW, ...). */
const GleanerEncoding *gleaner_encoding_for_detected_name  (const char          *name);

/**
 * GleanerDecoder:
 *
 * Streaming decoder to UTF-8 with WHATWG error handling: every undecodable
 * sequence becomes U+FFFD. It caches iconv descriptors and single-byte tables
 * across documents, so keep one per thread (it is not thread-safe).
 */
typedef struct _GleanerDecoder GleanerDecoder;

GleanerDecoder        *gleaner_decoder_new                 (void);
void                   gleaner_decoder_free                (GleanerDecoder      *self);
/* Starts a new document in @encoding (resets all state). */
void                   gleaner_decoder_reset               (GleanerDecoder      *self,
                                                            const GleanerEncoding *encoding);
/* Decodes a prefix of @data (@len bytes) and appends UTF-8 to @out. Unless
 * @final, an incomplete sequence at the end is left for the next call. Returns
 * the number of bytes consumed; with @final, always @len. */
gsize                  gleaner_decoder_decode              (GleanerDecoder      *self,
                                                            const guint8        *data,
                                                            gsize                len,
                                                            gboolean             final,
                                                            GString             *out);

/* Private to the engine and its tests. */
const char            *_gleaner_encoding_label_at          (guint                i,
                                                            const GleanerEncoding **encoding);
gsize                  _gleaner_utf8_valid_prefix          (const guint8        *data,
                                                            gsize                len,
                                                            gboolean            *non_ascii,
                                                            gboolean            *truncated);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GleanerDecoder, gleaner_decoder_free)

G_END_DECLS
