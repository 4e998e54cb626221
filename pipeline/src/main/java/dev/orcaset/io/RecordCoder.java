package dev.orcaset.io;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * A compact Beam coder for the pipeline's Java records: each component in declaration order, with a
 * null marker, strings as UTF-8. Java serialization (Beam's {@code SerializableCoder}) writes class
 * descriptors with every element and was the largest CPU cost of a run.
 *
 * <p>Supported component types: String, the primitives and their boxes, enums, nested records,
 * {@code List} of those, and {@code Map<String, …>} of those (written in key order). A record with
 * another component type fails when the coder is built, not halfway through a run.
 */
public final class RecordCoder<T extends Record> extends CustomCoder<T> {
  private final Class<T> type;

  private RecordCoder(Class<T> type) {
    this.type = type;
    shape(); // fail fast on an unsupported component
  }

  public static <T extends Record> RecordCoder<T> of(Class<T> type) {
    return new RecordCoder<>(type);
  }

  /** How a record class is read and written, worked out once per class. */
  private record Shape(RecordComponent[] components, Constructor<?> constructor) {
    static Shape of(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        check(components[i].getGenericType(), type.getSimpleName() + "." + components[i].getName());
        components[i].getAccessor().setAccessible(true);
      }
      try {
        Constructor<?> c = type.getDeclaredConstructor(types);
        c.setAccessible(true);
        return new Shape(components, c);
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException("no canonical constructor in " + type, e);
      }
    }
  }

  private Shape shape() {
    return shapeOf(type);
  }

  /**
   * Reflection results per record class: a cache of facts about classes, the same in every thread.
   */
  private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

  private static Shape shapeOf(Class<?> type) {
    return SHAPES.computeIfAbsent(type, Shape::of);
  }

  @Override
  public void encode(T value, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    writeRecord(value, shape(), out);
    out.flush();
  }

  @Override
  public T decode(InputStream inStream) throws IOException {
    return type.cast(readRecord(shape(), new DataInputStream(inStream)));
  }

  @Override
  public void verifyDeterministic() {}

  private static void writeRecord(Object record, Shape shape, DataOutputStream out)
      throws IOException {
    try {
      for (RecordComponent c : shape.components()) {
        write(c.getAccessor().invoke(record), c.getGenericType(), out);
      }
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new CoderException("cannot read " + record.getClass().getSimpleName(), e);
    }
  }

  private static Object readRecord(Shape shape, DataInputStream in) throws IOException {
    RecordComponent[] components = shape.components();
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      values[i] = read(components[i].getGenericType(), in);
    }
    try {
      return shape.constructor().newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new CoderException(
          "cannot rebuild " + shape.constructor().getDeclaringClass().getSimpleName(), e);
    }
  }

  private static void write(Object v, Type t, DataOutputStream out) throws IOException {
    Class<?> raw = raw(t);
    if (!raw.isPrimitive()) {
      out.writeBoolean(v != null);
      if (v == null) {
        return;
      }
    }
    if (raw == String.class) {
      byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
    } else if (raw == int.class || raw == Integer.class) {
      out.writeInt((Integer) v);
    } else if (raw == long.class || raw == Long.class) {
      out.writeLong((Long) v);
    } else if (raw == double.class || raw == Double.class) {
      out.writeDouble((Double) v);
    } else if (raw == boolean.class || raw == Boolean.class) {
      out.writeBoolean((Boolean) v);
    } else if (raw.isEnum()) {
      out.writeUTF(((Enum<?>) v).name());
    } else if (raw.isRecord()) {
      writeRecord(v, shapeOf(raw), out);
    } else if (List.class.isAssignableFrom(raw)) {
      List<?> list = (List<?>) v;
      out.writeInt(list.size());
      for (Object e : list) {
        write(e, arg(t, 0), out);
      }
    } else if (Map.class.isAssignableFrom(raw)) {
      Map<?, ?> map = new TreeMap<>((Map<?, ?>) v);
      out.writeInt(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        write(e.getKey(), String.class, out);
        write(e.getValue(), arg(t, 1), out);
      }
    } else {
      throw new CoderException("no encoding for " + t);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object read(Type t, DataInputStream in) throws IOException {
    Class<?> raw = raw(t);
    if (!raw.isPrimitive() && !in.readBoolean()) {
      return null;
    }
    if (raw == String.class) {
      byte[] b = new byte[in.readInt()];
      in.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    } else if (raw == int.class || raw == Integer.class) {
      return in.readInt();
    } else if (raw == long.class || raw == Long.class) {
      return in.readLong();
    } else if (raw == double.class || raw == Double.class) {
      return in.readDouble();
    } else if (raw == boolean.class || raw == Boolean.class) {
      return in.readBoolean();
    } else if (raw.isEnum()) {
      return Enum.valueOf((Class) raw, in.readUTF());
    } else if (raw.isRecord()) {
      return readRecord(shapeOf(raw), in);
    } else if (List.class.isAssignableFrom(raw)) {
      int n = in.readInt();
      List<Object> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(read(arg(t, 0), in));
      }
      return list;
    } else if (Map.class.isAssignableFrom(raw)) {
      int n = in.readInt();
      Map<Object, Object> map = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        map.put(read(String.class, in), read(arg(t, 1), in));
      }
      return map;
    }
    throw new CoderException("no decoding for " + t);
  }

  private static void check(Type t, String where) {
    Class<?> raw = raw(t);
    if (raw == String.class
        || raw.isPrimitive()
        || raw == Integer.class
        || raw == Long.class
        || raw == Double.class
        || raw == Boolean.class
        || raw.isEnum()) {
      return;
    }
    if (raw.isRecord()) {
      for (RecordComponent c : raw.getRecordComponents()) {
        check(c.getGenericType(), raw.getSimpleName() + "." + c.getName());
      }
      return;
    }
    if (List.class.isAssignableFrom(raw)) {
      check(arg(t, 0), where + "[]");
      return;
    }
    if (Map.class.isAssignableFrom(raw) && arg(t, 0) == String.class) {
      check(arg(t, 1), where + "{}");
      return;
    }
    throw new IllegalArgumentException("RecordCoder cannot encode " + where + " of type " + t);
  }

  private static Class<?> raw(Type t) {
    return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
  }

  private static Type arg(Type t, int i) {
    if (t instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[i];
    }
    throw new IllegalArgumentException("a raw collection type: " + t);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordCoder<?> other && other.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }
}
