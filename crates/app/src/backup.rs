//! `mujun backup` and `mujun restore`: the store's logical backup (every table, uploaded files
//! and attachments included, as of one moment) compressed with gzip and, on request, encrypted
//! with AES-256-GCM under a key derived from a passphrase (Argon2id). The audit key and the
//! anchor file are not in the backup: they are kept apart on purpose (see docs/SECURITY.md).
//!
//! An encrypted file: `MUJUNENC1`, 16 bytes of salt, 8 bytes of nonce prefix, then chunks —
//! each a 4-byte big-endian length and the sealed chunk (at most 1 MiB of plaintext and a
//! 16-byte tag). The nonce is the prefix and the chunk's number; the associated data says
//! whether the chunk is the last, so a cut-off file is refused, not restored in part.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use mujun_store::StoreError;
use mujun_store::backup::Summary;
use serde_json::json;

use crate::audit::{Who, write};
use crate::{App, AppError};

const MAGIC: &[u8; 9] = b"MUJUNENC1";
const CHUNK: usize = 1 << 20;

fn io(what: &str) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |e| AppError::Internal(format!("{what}：{e}"))
}

fn cipher(passphrase: &str, salt: &[u8]) -> Result<Aes256Gcm, AppError> {
    if passphrase.chars().count() < 12 {
        return Err(AppError::invalid("passphrase", "备份口令至少 12 个字符"));
    }
    let params =
        argon2::Params::new(64 * 1024, 3, 1, Some(32)).map_err(|e| AppError::Crypto(e.to_string()))?;
    let kdf = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = [0u8; 32];
    kdf.hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|e| AppError::Crypto(e.to_string()))?;
    Aes256Gcm::new_from_slice(&key).map_err(|e| AppError::Crypto(e.to_string()))
}

fn nonce(prefix: &[u8; 8], n: u32) -> aes_gcm::aead::Nonce<Aes256Gcm> {
    let mut bytes = [0u8; 12];
    bytes[..8].copy_from_slice(prefix);
    bytes[8..].copy_from_slice(&n.to_be_bytes());
    bytes.into()
}

/// Encrypts what is written to it, chunk by chunk; [`Sealer::finish`] seals the last chunk.
struct Sealer<W: Write> {
    out: W,
    cipher: Aes256Gcm,
    prefix: [u8; 8],
    n: u32,
    buf: Vec<u8>,
}

impl<W: Write> Sealer<W> {
    fn new(mut out: W, passphrase: &str) -> Result<Sealer<W>, AppError> {
        let mut salt = [0u8; 16];
        let mut prefix = [0u8; 8];
        getrandom::fill(&mut salt).expect("the operating system's random source is available");
        getrandom::fill(&mut prefix).expect("the operating system's random source is available");
        let cipher = cipher(passphrase, &salt)?;
        out.write_all(MAGIC).map_err(io("无法写入备份文件"))?;
        out.write_all(&salt).map_err(io("无法写入备份文件"))?;
        out.write_all(&prefix).map_err(io("无法写入备份文件"))?;
        Ok(Sealer {
            out,
            cipher,
            prefix,
            n: 0,
            buf: Vec::with_capacity(CHUNK),
        })
    }

    fn seal(&mut self, last: bool) -> std::io::Result<()> {
        let sealed = self
            .cipher
            .encrypt(
                &nonce(&self.prefix, self.n),
                Payload {
                    msg: &self.buf,
                    aad: &[u8::from(last)],
                },
            )
            .map_err(|_| std::io::Error::other("加密失败"))?;
        self.n = self
            .n
            .checked_add(1)
            .ok_or_else(|| std::io::Error::other("备份过大"))?;
        let len = u32::try_from(sealed.len()).map_err(std::io::Error::other)?;
        self.out.write_all(&len.to_be_bytes())?;
        self.out.write_all(&sealed)?;
        self.buf.clear();
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<W> {
        self.seal(true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let room = CHUNK - self.buf.len();
        let take = room.min(data.len());
        self.buf.extend_from_slice(&data[..take]);
        if self.buf.len() == CHUNK {
            self.seal(false)?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Decrypts an encrypted backup as it is read; refuses a tampered or cut-off file.
struct Opener<R: Read> {
    input: R,
    cipher: Aes256Gcm,
    prefix: [u8; 8],
    n: u32,
    plain: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Opener<R> {
    fn chunk(&mut self) -> std::io::Result<()> {
        let bad = || std::io::Error::other("备份文件已损坏或口令错误");
        let mut len = [0u8; 4];
        self.input
            .read_exact(&mut len)
            .map_err(|_| std::io::Error::other("备份文件不完整（被截断）"))?;
        let len = u32::from_be_bytes(len) as usize;
        if len > CHUNK + 16 {
            return Err(bad());
        }
        let mut sealed = vec![0u8; len];
        self.input
            .read_exact(&mut sealed)
            .map_err(|_| std::io::Error::other("备份文件不完整（被截断）"))?;
        let n = nonce(&self.prefix, self.n);
        for last in [false, true] {
            if let Ok(plain) = self.cipher.decrypt(
                &n,
                Payload {
                    msg: &sealed,
                    aad: &[u8::from(last)],
                },
            ) {
                self.plain = plain;
                self.at = 0;
                self.done = last;
                self.n += 1;
                return Ok(());
            }
        }
        Err(bad())
    }
}

impl<R: Read> Read for Opener<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            self.chunk()?;
        }
        let n = out.len().min(self.plain.len() - self.at);
        out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl App {
    /// Writes a backup of the whole database to `path` (audited first, so the backup records
    /// its own making), encrypted when a passphrase is given.
    pub async fn backup_to(&self, path: &Path, passphrase: Option<&str>) -> Result<Summary, AppError> {
        if let Some(p) = passphrase {
            // Refuse a weak passphrase before writing anything.
            cipher(p, &[0u8; 16])?;
        }
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Cli,
            "backup",
            ("database", ""),
            json!({"file": path.display().to_string(), "encrypted": passphrase.is_some()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let partial = path.with_extension("partial");
        let file = std::fs::File::create(&partial).map_err(io("无法创建备份文件"))?;
        let file = std::io::BufWriter::new(file);
        let summary = match passphrase {
            Some(p) => {
                let mut gz =
                    flate2::write::GzEncoder::new(Sealer::new(file, p)?, flate2::Compression::default());
                let summary = self.store.backup(&mut gz).await?;
                let sealer = gz.finish().map_err(io("无法写入备份文件"))?;
                sealer
                    .finish()
                    .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
                    .and_then(|f| f.sync_all())
                    .map_err(io("无法写入备份文件"))?;
                summary
            }
            None => {
                let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
                let summary = self.store.backup(&mut gz).await?;
                gz.finish()
                    .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
                    .and_then(|f| f.sync_all())
                    .map_err(io("无法写入备份文件"))?;
                summary
            }
        };
        // Only a complete file carries the name asked for.
        std::fs::rename(&partial, path).map_err(io("无法保存备份文件"))?;
        Ok(summary)
    }

    /// Whether a backup file is encrypted (and so needs a passphrase).
    pub fn backup_is_encrypted(path: &Path) -> Result<bool, AppError> {
        let mut head = [0u8; 9];
        let mut f = std::fs::File::open(path).map_err(io("无法打开备份文件"))?;
        let n = f.read(&mut head).map_err(io("无法读取备份文件"))?;
        Ok(n == MAGIC.len() && &head == MAGIC)
    }

    /// Restores a backup into this application's database, which must be new and empty; all
    /// or nothing. The restore is then audited in the restored chain.
    pub async fn restore_from(&self, path: &Path, passphrase: Option<&str>) -> Result<Summary, AppError> {
        let file = std::fs::File::open(path).map_err(io("无法打开备份文件"))?;
        let mut file = BufReader::new(file);
        let encrypted = Self::backup_is_encrypted(path)?;
        let mut reader: Box<dyn BufRead> = if encrypted {
            let p =
                passphrase.ok_or_else(|| AppError::invalid("passphrase", "该备份已加密，请提供备份口令"))?;
            let mut head = [0u8; 33];
            file.read_exact(&mut head).map_err(io("无法读取备份文件"))?;
            let mut prefix = [0u8; 8];
            prefix.copy_from_slice(&head[25..33]);
            let opener = Opener {
                input: file,
                cipher: cipher(p, &head[9..25])?,
                prefix,
                n: 0,
                plain: Vec::new(),
                at: 0,
                done: false,
            };
            Box::new(BufReader::new(flate2::read::GzDecoder::new(opener)))
        } else {
            Box::new(BufReader::new(flate2::read::GzDecoder::new(file)))
        };
        let summary = self.store.restore(&mut reader).await?;
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Cli,
            "restore",
            ("database", ""),
            json!({"file": path.display().to_string(), "tables": summary.tables, "rows": summary.rows}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_chunks_round_trip_and_refuse_tampering_and_truncation() {
        let data: Vec<u8> = (0..(CHUNK * 2 + 123)).map(|i| (i % 251) as u8).collect();
        let mut s = Sealer::new(Vec::new(), "a long passphrase").unwrap();
        s.write_all(&data).unwrap();
        let file = s.finish().unwrap();
        let open = |bytes: &[u8], pass: &str| -> std::io::Result<Vec<u8>> {
            let mut prefix = [0u8; 8];
            prefix.copy_from_slice(&bytes[25..33]);
            let mut o = Opener {
                input: &bytes[33..],
                cipher: cipher(pass, &bytes[9..25]).unwrap(),
                prefix,
                n: 0,
                plain: Vec::new(),
                at: 0,
                done: false,
            };
            let mut out = Vec::new();
            o.read_to_end(&mut out)?;
            Ok(out)
        };
        assert_eq!(open(&file, "a long passphrase").unwrap(), data);
        assert!(open(&file, "another passphrase").is_err(), "wrong passphrase");
        let mut flipped = file.clone();
        let at = flipped.len() / 2;
        flipped[at] ^= 1;
        assert!(open(&flipped, "a long passphrase").is_err(), "tampered");
        // Cut after the first full chunk: every remaining chunk is missing, including the last.
        let first = 33 + 4 + CHUNK + 16;
        assert!(open(&file[..first], "a long passphrase").is_err(), "truncated");
        assert!(cipher("short", &[0; 16]).is_err());
    }
}
