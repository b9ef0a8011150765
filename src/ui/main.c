/* main.c: entry point of the Gleaner window
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "gleaner-application.h"
#include "gleaner-engine.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GleanerApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gleaner_engine_init ();

  app = gleaner_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
