#![allow(dead_code)]
pub mod irrd;
pub mod lab;
pub mod sshd;
