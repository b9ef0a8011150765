/* gleaner-engine.c: one-time initialisation of the engine
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>

#include "gleaner-engine.h"

/**
 * gleaner_engine_init:
 *
 * Initialises libxml2 on the calling (main) thread before any parser thread
 * exists: libxml2 2.9 requires it, later versions tolerate it. Also binds the
 * engine's translation domain and initialises the classes that worker threads
 * instantiate. Safe to call more than once; gleaner_pipeline_new() calls it.
 */
void
gleaner_engine_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      xmlInitParser ();
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      /* Results are made on fetch threads: initialise their class here,
       * before any thread exists, rather than on whichever worker is first
       * (GType's locks are invisible to ThreadSanitizer). */
      g_type_class_unref (g_type_class_ref (GLEANER_TYPE_RESULT));
      g_once_init_leave (&initialised, 1);
    }
}
