/* test-renderer.c: windows draw with cairo when the display's OpenGL is a
 * software rasterizer, and a GSK_RENDERER the user set wins
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK reads a window's renderer once per process in newer versions, and the
 * choice is kept on the display: each case that realizes a window runs in a
 * subprocess of its own.
 */

#include "config.h"

#include <epoxy/gl.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "gleaner-application.h"
#include "gleaner-renderer.h"

/* The display's GL_RENDERER, found independently of the code under test;
 * NULL without OpenGL. */
static char *
display_gl_renderer (void)
{
  g_autoptr(GdkGLContext) context = NULL;
  char *name;

  context = gdk_display_create_gl_context (gdk_display_get_default (), NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return NULL;
  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  return name;
}

/* The type name of the renderer GTK gives a new window. */
static char *
window_renderer (void)
{
  GtkWidget *window = gtk_window_new ();
  GskRenderer *renderer;
  char *name;

  gtk_window_present (GTK_WINDOW (window));
  while ((renderer = gtk_native_get_renderer (GTK_NATIVE (window))) == NULL)
    g_main_context_iteration (NULL, TRUE);
  name = g_strdup (G_OBJECT_TYPE_NAME (renderer));
  gtk_window_destroy (GTK_WINDOW (window));
  return name;
}

static void
test_is_software (void)
{
  static const struct {
    const char *renderer;
    gboolean    software;
  } cases[] = {
    { "llvmpipe (LLVM 15.0.6, 256 bits)", TRUE },
    { "softpipe", TRUE },
    { "Software Rasterizer", TRUE },
    { "Mesa X11 Software", TRUE },
    { "zink Vulkan 1.3(llvmpipe (LLVM 15.0.6, 256 bits) (MESA_LLVMPIPE))", TRUE },
    /* Hardware drivers built with LLVM name it, but never "llvmpipe". */
    { "AMD Radeon RX 6600 (navi23, LLVM 15.0.6, DRM 3.49, 6.1.0-13-amd64)", FALSE },
    { "Mesa Intel(R) UHD Graphics 620 (KBL GT2)", FALSE },
    { "NVIDIA GeForce RTX 3060/PCIe/SSE2", FALSE },
    { "virgl (Intel(R) UHD Graphics 620 (KBL GT2))", FALSE },
    { "", FALSE },
    { NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].renderer ? cases[i].renderer : "(null)");
      g_assert_cmpint (gleaner_renderer_is_software_gl (cases[i].renderer), ==,
                       cases[i].software);
    }
}

static void
test_software_gl_gets_cairo (void)
{
  g_autofree char *gl = NULL;
  g_autofree char *used = NULL;
  const char *chosen;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  gl = display_gl_renderer ();
  g_test_message ("GL_RENDERER: %s", gl ? gl : "none");
  chosen = gleaner_renderer_choose (gdk_display_get_default ());
  used = window_renderer ();
  g_test_message ("asked for %s, got %s", chosen ? chosen : "nothing", used);

  if (gl == NULL)
    {
      /* No GL: GTK draws with cairo by itself, nothing to ask for. */
      g_assert_null (chosen);
      g_assert_cmpstr (used, ==, "GskCairoRenderer");
    }
  else if (gleaner_renderer_is_software_gl (gl))
    {
      g_assert_cmpstr (chosen, ==, "cairo");
      g_assert_cmpstr (used, ==, "GskCairoRenderer");
    }
  else
    {
      g_assert_null (chosen);
      g_assert_cmpstr (used, !=, "GskCairoRenderer");
    }
}

static void
test_user_choice_wins (void)
{
  g_autofree char *gl = NULL;
  g_autofree char *used = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  /* Set before any window exists, as a user's environment would be. */
  g_setenv ("GSK_RENDERER", "gl", TRUE);
  gl = display_gl_renderer ();
  g_assert_null (gleaner_renderer_choose (gdk_display_get_default ()));
  g_assert_null (g_object_get_data (G_OBJECT (gdk_display_get_default ()), "gsk-renderer"));

  used = window_renderer ();
  g_test_message ("GL_RENDERER: %s; window: %s", gl ? gl : "none", used);
  if (gl != NULL)
    g_assert_cmpstr (used, !=, "GskCairoRenderer");
}

/* The application makes the choice at startup, before its first window. */
static void
test_application_startup (void)
{
  g_autoptr(GleanerApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *gl = NULL;
  const char *asked;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  gl = display_gl_renderer ();
  app = gleaner_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) |
                           G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  asked = g_object_get_data (G_OBJECT (gdk_display_get_default ()), "gsk-renderer");
  g_test_message ("GL_RENDERER: %s; asked for %s", gl ? gl : "none", asked ? asked : "nothing");
  if (gl != NULL && gleaner_renderer_is_software_gl (gl))
    g_assert_cmpstr (asked, ==, "cairo");
  else
    g_assert_null (asked);
}

int
main (int   argc,
      char *argv[])
{
  /* The ui suite's environment asks for cairo; these cases start from the
   * user's default and set their own. */
  g_unsetenv ("GSK_RENDERER");
  g_setenv ("GDK_BACKEND", "x11", FALSE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/gleaner/renderer/is-software", test_is_software);
  g_test_add_func ("/gleaner/renderer/software-gl-gets-cairo", test_software_gl_gets_cairo);
  g_test_add_func ("/gleaner/renderer/user-choice-wins", test_user_choice_wins);
  g_test_add_func ("/gleaner/renderer/application-startup", test_application_startup);

  return g_test_run ();
}
