/* gleaner-fingerprint-set.c: a compact set of 64-bit fingerprints (the URL list's dedupe set)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#ifdef G_OS_UNIX
# include <sys/mman.h>
# include <unistd.h>
#endif

#include "gleaner-fingerprint-set.h"

/*
 * The set is what a million-URL run keeps besides its constant working set,
 * so it is built for the least memory at its peak:
 *
 * - Open addressing with linear probing: a value costs its 8 bytes and its
 *   share of the free slots, no pointers and no allocation per value.
 * - A shard grows by a fifth when 90 % full, so the load stays within 75-90 %
 *   (8.9-10.7 bytes per value). Growing by doubling would leave 45-90 %.
 * - The values are spread over 64 shards by their top bits, each its own
 *   table: growing copies one shard (1/64 of the set) while its old and new
 *   tables coexist. With a single table that moment is the peak of the run
 *   (old + new = 2.2 times the set).
 * - Tables of a page or more are mapped from the system, not taken from
 *   malloc, so a shard's old table goes back to the system at once. In the
 *   heap, the old tables of every size the shards went through would stay
 *   resident as free chunks too small for the next, larger ones, pinned by
 *   whatever was allocated after them (a quarter more at a million URLs).
 *
 * The values come from a keyed hash, so the top bits spread them evenly over
 * the shards and the low 32 bits place them in a shard. 0 marks a free slot;
 * the value 0 itself is remembered by a flag, so the set is exact over all
 * 2^64 values.
 */

#define N_SHARDS_LOG2    6
#define N_SHARDS         (1 << N_SHARDS_LOG2)
#define SHARD_MIN_SLOTS  8
/* Tables of at least this many bytes are mapped, rounded up to whole pages. */
#define MAPPED_MIN_BYTES 4096

typedef struct
{
  guint64 *slots;
  guint32  capacity;
  guint32  count;
} Shard;

struct _GleanerFingerprintSet
{
  Shard    shards[N_SHARDS];
  guint64  size;
  gsize    memory;
  gboolean has_zero;
};

/* A value's first slot in a table of @capacity: the low 32 bits scaled to the
 * capacity (Lemire's multiply-shift, no division). */
static inline guint32
home_slot (guint64 value,
           guint32 capacity)
{
  return (guint32)(((guint64)(guint32)value * capacity) >> 32);
}

static inline Shard *
shard_for (GleanerFingerprintSet *self,
           guint64                value)
{
  return &self->shards[value >> (64 - N_SHARDS_LOG2)];
}

#ifdef G_OS_UNIX
static gsize
page_size (void)
{
  static gsize size;

  if (g_once_init_enter (&size))
    g_once_init_leave (&size, MAX ((gsize)sysconf (_SC_PAGESIZE), 1));
  return size;
}
#endif

/* A zeroed table of at least *@capacity slots; *@capacity becomes its true size. */
static guint64 *
slots_new (guint32 *capacity)
{
#ifdef G_OS_UNIX
  gsize bytes = (gsize)*capacity * sizeof (guint64);

  if (bytes >= MAPPED_MIN_BYTES)
    {
      void *slots;

      bytes = (bytes + page_size () - 1) / page_size () * page_size ();
      slots = mmap (NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (slots == MAP_FAILED)
        g_error ("%s: failed to map %" G_GSIZE_FORMAT " bytes", G_STRLOC, bytes);
      *capacity = bytes / sizeof (guint64);
      return slots;
    }
#endif
  return g_new0 (guint64, *capacity);
}

static void
slots_free (guint64 *slots,
            guint32  capacity)
{
#ifdef G_OS_UNIX
  /* Mapped tables are exactly those at or above the threshold (slots_new()
   * only ever rounds a mapped size up). */
  if ((gsize)capacity * sizeof (guint64) >= MAPPED_MIN_BYTES)
    {
      munmap (slots, (gsize)capacity * sizeof (guint64));
      return;
    }
#endif
  g_free (slots);
}

static void
shard_grow (GleanerFingerprintSet *self,
            Shard                 *shard)
{
  guint64 wanted = (guint64)shard->capacity + MAX (shard->capacity / 5, SHARD_MIN_SLOTS);
  guint32 capacity;
  guint64 *slots;

  /* 64 shards of 2^32 slots hold 2^38 values: far beyond any memory. */
  g_assert (wanted <= G_MAXUINT32);
  capacity = (guint32)wanted;
  slots = slots_new (&capacity);

  for (guint32 i = 0; i < shard->capacity; i++)
    {
      guint64 value = shard->slots[i];
      guint32 j;

      if (value == 0)
        continue;
      for (j = home_slot (value, capacity); slots[j] != 0; j = (j + 1 == capacity) ? 0 : j + 1)
        ;
      slots[j] = value;
    }

  if (shard->slots != NULL)
    slots_free (shard->slots, shard->capacity);
  self->memory += (gsize)(capacity - shard->capacity) * sizeof (guint64);
  shard->slots = slots;
  shard->capacity = capacity;
}

/* Returns the slot holding @value, or the free slot where it belongs. */
static inline guint32
shard_find (const Shard *shard,
            guint64      value)
{
  guint32 i = home_slot (value, shard->capacity);

  while (shard->slots[i] != 0 && shard->slots[i] != value)
    i = (i + 1 == shard->capacity) ? 0 : i + 1;

  return i;
}

/**
 * gleaner_fingerprint_set_new:
 *
 * Returns: (transfer full): an empty set (about 1 KiB)
 */
GleanerFingerprintSet *
gleaner_fingerprint_set_new (void)
{
  return g_new0 (GleanerFingerprintSet, 1);
}

/**
 * gleaner_fingerprint_set_free:
 * @self: (nullable): a set
 */
void
gleaner_fingerprint_set_free (GleanerFingerprintSet *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < N_SHARDS; i++)
    if (self->shards[i].slots != NULL)
      slots_free (self->shards[i].slots, self->shards[i].capacity);
  g_free (self);
}

/**
 * gleaner_fingerprint_set_add:
 * @self: a set
 * @fingerprint: any 64-bit value
 *
 * Returns: %TRUE if @fingerprint was not in the set (it is now), %FALSE if it was
 */
gboolean
gleaner_fingerprint_set_add (GleanerFingerprintSet *self,
                             guint64                fingerprint)
{
  Shard *shard;
  guint32 i;

  g_return_val_if_fail (self != NULL, FALSE);

  if (fingerprint == 0)
    {
      if (self->has_zero)
        return FALSE;
      self->has_zero = TRUE;
      self->size++;
      return TRUE;
    }

  shard = shard_for (self, fingerprint);
  if (shard->capacity > 0)
    {
      i = shard_find (shard, fingerprint);
      if (shard->slots[i] == fingerprint)
        return FALSE;
    }
  /* At most 90 % full after this insertion: integer arithmetic in 64 bits. */
  if (((guint64)shard->count + 1) * 10 > (guint64)shard->capacity * 9)
    {
      shard_grow (self, shard);
      i = shard_find (shard, fingerprint);
    }

  shard->slots[i] = fingerprint;
  shard->count++;
  self->size++;

  return TRUE;
}

/**
 * gleaner_fingerprint_set_contains:
 * @self: a set
 * @fingerprint: any 64-bit value
 *
 * Returns: whether @fingerprint is in the set
 */
gboolean
gleaner_fingerprint_set_contains (GleanerFingerprintSet *self,
                                  guint64                fingerprint)
{
  Shard *shard;

  g_return_val_if_fail (self != NULL, FALSE);

  if (fingerprint == 0)
    return self->has_zero;

  shard = shard_for (self, fingerprint);
  if (shard->capacity == 0)
    return FALSE;

  return shard->slots[shard_find (shard, fingerprint)] == fingerprint;
}

/**
 * gleaner_fingerprint_set_get_size:
 * @self: a set
 *
 * Returns: the number of values in the set
 */
guint64
gleaner_fingerprint_set_get_size (GleanerFingerprintSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->size;
}

/**
 * gleaner_fingerprint_set_get_memory:
 * @self: a set
 *
 * Returns: the bytes of slot storage the set holds now (its size in memory
 *   less the fixed header and the allocator's own overhead)
 */
gsize
gleaner_fingerprint_set_get_memory (GleanerFingerprintSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->memory;
}
