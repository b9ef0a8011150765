/* PLACEHOLDER being replaced */
#include "config.h"
#include "gleaner-engine.h"
int main (int argc, char **argv) { gleaner_engine_init (); return 0; }
