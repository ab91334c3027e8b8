# Runs the extraction on one markdown file in script mode, for the tests of the harness itself:
#   cmake -DPROJECT_SOURCE_DIR=<root> -DDOC=<file.md> -P check_extraction.cmake
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/extract_samples.cmake)
set(weft_docs_sample_names "")
weft_docs_extract(${DOC})
