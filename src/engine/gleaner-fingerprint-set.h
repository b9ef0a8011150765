/* gleaner-fingerprint-set.h: a compact set of 64-bit fingerprints (the URL list's dedupe set)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A set of 64-bit values, exact over those values (every value is kept whole,
 * 0 included), in 9-11 bytes per value once it holds a few thousand, with no
 * moment where the whole set is held twice. Not thread-safe: one owner thread. */
typedef struct _GleanerFingerprintSet GleanerFingerprintSet;

GleanerFingerprintSet *gleaner_fingerprint_set_new        (void);
void                   gleaner_fingerprint_set_free       (GleanerFingerprintSet *self);
/* Returns %TRUE if @fingerprint was added, %FALSE if it was already there. */
gboolean               gleaner_fingerprint_set_add        (GleanerFingerprintSet *self,
                                                           guint64                fingerprint);
gboolean               gleaner_fingerprint_set_contains   (GleanerFingerprintSet *self,
                                                           guint64                fingerprint);
guint64                gleaner_fingerprint_set_get_size   (GleanerFingerprintSet *self);
/* Bytes of slot storage held (the set's memory less a fixed ~1 KiB header). */
gsize                  gleaner_fingerprint_set_get_memory (GleanerFingerprintSet *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GleanerFingerprintSet, gleaner_fingerprint_set_free)

G_END_DECLS
