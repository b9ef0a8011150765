/* test-fingerprint-set.c: tests of GleanerFingerprintSet (the URL list's dedupe set)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include "gleaner-fingerprint-set.h"

/* A bijection on 64-bit values (odd multiplier and xor-shift, both invertible):
 * distinct inputs give distinct, well spread values, so a test knows for
 * certain which values it never added. */
static guint64
spread (guint64 i)
{
  guint64 x = i * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  x ^= x >> 29;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 32;
  return x;
}

static void
test_empty (void)
{
  g_autoptr(GleanerFingerprintSet) set = gleaner_fingerprint_set_new ();

  g_assert_cmpuint (gleaner_fingerprint_set_get_size (set), ==, 0);
  g_assert_cmpuint (gleaner_fingerprint_set_get_memory (set), ==, 0);
  g_assert_false (gleaner_fingerprint_set_contains (set, 0));
  g_assert_false (gleaner_fingerprint_set_contains (set, 1));
  g_assert_false (gleaner_fingerprint_set_contains (set, G_MAXUINT64));
}

static void
test_add (void)
{
  g_autoptr(GleanerFingerprintSet) set = gleaner_fingerprint_set_new ();
  /* 0 (the free-slot marker inside), both ends, and values that share a shard
   * (top bits) or a first slot (low bits) with each other. */
  const guint64 values[] = {
    0, 1, G_MAXUINT64, G_GUINT64_CONSTANT (0x8000000000000000),
    G_GUINT64_CONSTANT (0x0000000100000000), G_GUINT64_CONSTANT (0x0000000200000000),
    G_GUINT64_CONSTANT (0xfc00000000000001), G_GUINT64_CONSTANT (0xfc00000000000002),
    G_GUINT64_CONSTANT (0x123456789abcdef0),
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_assert_false (gleaner_fingerprint_set_contains (set, values[i]));
      g_assert_true (gleaner_fingerprint_set_add (set, values[i]));
      g_assert_true (gleaner_fingerprint_set_contains (set, values[i]));
      g_assert_cmpuint (gleaner_fingerprint_set_get_size (set), ==, i + 1);
    }
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_assert_false (gleaner_fingerprint_set_add (set, values[i]));
  g_assert_cmpuint (gleaner_fingerprint_set_get_size (set), ==, G_N_ELEMENTS (values));
  g_assert_false (gleaner_fingerprint_set_contains (set, 2));
  g_assert_false (gleaner_fingerprint_set_contains (set, G_MAXUINT64 - 1));
}

/* Checks that @set holds exactly spread(@first) ... spread(@first + @n - 1)
 * among the values spread(0) ... spread(2 * (@first + @n)). */
static void
assert_holds_range (GleanerFingerprintSet *set,
                    guint64                first,
                    guint64                n)
{
  for (guint64 i = 0; i < 2 * (first + n); i++)
    {
      gboolean expected = i >= first && i < first + n;

      if (gleaner_fingerprint_set_contains (set, spread (i)) != expected)
        g_error ("value %" G_GUINT64_FORMAT " %s", i, expected ? "missing" : "present");
    }
}

static void
test_many (void)
{
  g_autoptr(GleanerFingerprintSet) set = gleaner_fingerprint_set_new ();
  const guint64 n = 300000;
  gsize memory;

  g_test_summary ("The set grows through many sizes and keeps every value, and only those");

  for (guint64 i = 0; i < n; i++)
    {
      g_assert_true (gleaner_fingerprint_set_add (set, spread (i)));
      /* Check the whole set at a few sizes on the way, while shards are small. */
      if (i == 10 || i == 100 || i == 1000)
        assert_holds_range (set, 0, i + 1);
    }
  g_assert_cmpuint (gleaner_fingerprint_set_get_size (set), ==, n);
  for (guint64 i = 0; i < n; i += 7)
    g_assert_false (gleaner_fingerprint_set_add (set, spread (i)));
  g_assert_cmpuint (gleaner_fingerprint_set_get_size (set), ==, n);
  assert_holds_range (set, 0, n);

  /* Every value costs its 8 bytes; a shard is at least 75 % full once it has
   * grown past its first slots, plus at most a page of rounding per shard. */
  memory = gleaner_fingerprint_set_get_memory (set);
  g_assert_cmpuint (memory, >=, n * sizeof (guint64));
  g_assert_cmpuint (memory, <=, n * sizeof (guint64) * 4 / 3 + 64 * (gsize)sysconf (_SC_PAGESIZE));
  g_test_message ("%" G_GUINT64_FORMAT " values: %.2f bytes each", n, (double)memory / n);
}

static void
test_one_shard (void)
{
  g_autoptr(GleanerFingerprintSet) set = gleaner_fingerprint_set_new ();
  const guint64 n = 50000;
  const guint64 n_crowded = 500;

  g_test_summary ("Values that all fall into one shard (same top bits), some of them "
                  "with the same first slot (same low bits), are all kept");

  /* The high half (i < 2^26) keeps them in shard 0 and tells them apart; the
   * low half places them: spread out, or all on slot 0 for the crowd. */
  for (guint64 i = 1; i <= n; i++)
    g_assert_true (gleaner_fingerprint_set_add (set, (i << 32) | (guint32)spread (i)));
  for (guint64 j = n + 1; j <= n + n_crowded; j++)
    g_assert_true (gleaner_fingerprint_set_add (set, j << 32));

  for (guint64 i = 1; i <= n; i++)
    {
      guint64 value = (i << 32) | (guint32)spread (i);

      g_assert_true (gleaner_fingerprint_set_contains (set, value));
      g_assert_false (gleaner_fingerprint_set_contains (set, value ^ 1));
      g_assert_false (gleaner_fingerprint_set_add (set, value));
    }
  for (guint64 j = n + 1; j <= n + n_crowded; j++)
    {
      g_assert_true (gleaner_fingerprint_set_contains (set, j << 32));
      g_assert_false (gleaner_fingerprint_set_contains (set, (j << 32) | 1));
      g_assert_false (gleaner_fingerprint_set_add (set, j << 32));
    }
  g_assert_false (gleaner_fingerprint_set_contains (set, (n + n_crowded + 1) << 32));
  g_assert_cmpuint (gleaner_fingerprint_set_get_size (set), ==, n + n_crowded);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gleaner/fingerprint-set/empty", test_empty);
  g_test_add_func ("/gleaner/fingerprint-set/add", test_add);
  g_test_add_func ("/gleaner/fingerprint-set/many", test_many);
  g_test_add_func ("/gleaner/fingerprint-set/one-shard", test_one_shard);

  return g_test_run ();
}
