"""The papers (申报表 PDF and Word, 工作报告): cached by the digest of their inputs, rendered by
background jobs kept in the database."""
