// Zstandard, for Parquet's ZSTD pages (Debian's libzstd-dev).
#include <zstd.h>
