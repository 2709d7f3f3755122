//! Output charsets: UTF-8 and the legacy charsets through encoding_rs.
