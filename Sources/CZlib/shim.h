// zlib, for Parquet's GZIP pages (Debian's zlib1g-dev).
#include <zlib.h>
