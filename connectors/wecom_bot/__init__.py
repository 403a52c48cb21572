"""The WeCom 智能机器人 (AI bot, API mode) channel: long connection (default) or JSON callbacks, streamed replies.

See ../shared/reference/wecom-aibot.md for the protocol; README「接入企业微信智能机器人」 for the admin.
"""
