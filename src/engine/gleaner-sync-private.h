/* gleaner-sync-private.h: GLib locks and hand-offs made visible to ThreadSanitizer
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib's GMutex, GCond and GAsyncQueue are built on raw futexes on Linux, which
 * ThreadSanitizer cannot see, so every hand-off through them looks like a data
 * race. The engine takes its locks and passes its objects through these
 * wrappers, which tell TSan about the happens-before edge GLib provides. In
 * other builds they compile to the plain GLib calls.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#if defined(__SANITIZE_THREAD__)
# define GLEANER_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define GLEANER_TSAN 1
# endif
#endif

#ifdef GLEANER_TSAN
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
# define GLEANER_HAPPENS_BEFORE(addr) __tsan_release ((void *)(addr))
# define GLEANER_HAPPENS_AFTER(addr)  __tsan_acquire ((void *)(addr))
#else
# define GLEANER_HAPPENS_BEFORE(addr) G_STMT_START { (void)(addr); } G_STMT_END
# define GLEANER_HAPPENS_AFTER(addr)  G_STMT_START { (void)(addr); } G_STMT_END
#endif

static inline void
gleaner_mutex_lock (GMutex *mutex)
{
  g_mutex_lock (mutex);
  GLEANER_HAPPENS_AFTER (mutex);
}

static inline void
gleaner_mutex_unlock (GMutex *mutex)
{
  GLEANER_HAPPENS_BEFORE (mutex);
  g_mutex_unlock (mutex);
}

static inline void
gleaner_cond_wait (GCond  *cond,
                   GMutex *mutex)
{
  GLEANER_HAPPENS_BEFORE (mutex);
  g_cond_wait (cond, mutex);
  GLEANER_HAPPENS_AFTER (mutex);
}

static inline gboolean
gleaner_cond_wait_until (GCond  *cond,
                         GMutex *mutex,
                         gint64  end_time)
{
  gboolean signalled;

  GLEANER_HAPPENS_BEFORE (mutex);
  signalled = g_cond_wait_until (cond, mutex, end_time);
  GLEANER_HAPPENS_AFTER (mutex);

  return signalled;
}

/* g_atomic_ref_count_dec() is a GLib function, so TSan does not see its
 * barrier either: the thread that drops the last reference must see everything
 * the others did before they dropped theirs. Returns TRUE for the last one. */
static inline gboolean
gleaner_atomic_ref_count_dec (gatomicrefcount *rc)
{
  GLEANER_HAPPENS_BEFORE (rc);
  if (!g_atomic_ref_count_dec (rc))
    return FALSE;
  GLEANER_HAPPENS_AFTER (rc);

  return TRUE;
}

/* Ownership of @item moves to whoever pops it. */
static inline void
gleaner_async_queue_push (GAsyncQueue *queue,
                          gpointer     item)
{
  GLEANER_HAPPENS_BEFORE (item);
  g_async_queue_push (queue, item);
}

static inline gpointer
gleaner_async_queue_pop (GAsyncQueue *queue)
{
  gpointer item = g_async_queue_pop (queue);

  GLEANER_HAPPENS_AFTER (item);
  return item;
}

/* NULL when the queue is empty; nothing is handed over then. */
static inline gpointer
gleaner_async_queue_try_pop (GAsyncQueue *queue)
{
  gpointer item = g_async_queue_try_pop (queue);

  if (item != NULL)
    GLEANER_HAPPENS_AFTER (item);
  return item;
}

G_END_DECLS
